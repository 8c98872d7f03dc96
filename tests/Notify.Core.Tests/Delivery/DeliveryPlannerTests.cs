using Notify.Core.Delivery;
using Notify.Core.Events;
using Notify.Core.Notifications;
using Notify.Core.Templates;
using Notify.Core.Users;

namespace Notify.Core.Tests.Delivery;

public sealed class DeliveryPlannerTests
{
    private const string EventType = "order.shipped";
    private const string DefaultLocale = "en";

    private static readonly DateTimeOffset Saved = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // 13:00 in Paris on a winter day: outside any night-time quiet hours.
    private static readonly DateTimeOffset Noon = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    // 23:30 in Paris (CET, +01:00).
    private static readonly DateTimeOffset LateEvening = new(2026, 1, 15, 22, 30, 0, TimeSpan.Zero);

    private static readonly QuietHours NightInParis = new(new TimeOnly(22, 0), new TimeOnly(7, 0), "Europe/Paris");

    private static readonly Device Phone = new("phone", PushPlatform.Fcm, "tok-1", "arn:aws:sns:us-east-1:000000000000:endpoint/GCM/app/1", Enabled: true, Saved);
    private static readonly Device Tablet = new("tablet", PushPlatform.Apns, "tok-2", "arn:aws:sns:us-east-1:000000000000:endpoint/APNS/app/2", Enabled: true, Saved);
    private static readonly Device OldPhone = new("old", PushPlatform.Fcm, "tok-3", "arn:aws:sns:us-east-1:000000000000:endpoint/GCM/app/3", Enabled: false, Saved);

    private static readonly Contact FullContact = new("ada@example.com", "+33612345678", "en", "Europe/Paris", Saved);

    private static readonly Dictionary<Channel, NotificationRecord> NoRows = [];

    private static Template EmailTemplate(string locale, string greeting = "Hello") =>
        new(EventType, Channel.Email, locale, $"{greeting} {{{{name}}}}", $"{greeting} {{{{name}}}}, order {{{{order}}}} shipped", $"<p>{greeting} {{{{name}}}}</p>", null, null, Saved);

    private static Template SmsTemplate(string locale, string body = "Order {{order}} shipped") =>
        new(EventType, Channel.Sms, locale, null, null, null, null, body, Saved);

    private static Template PushTemplate(string locale) =>
        new(EventType, Channel.Push, locale, null, null, null, "Shipped", "Order {{order}} is on its way", Saved);

    private static Template InAppTemplate(string locale) =>
        new(EventType, Channel.InApp, locale, null, null, null, "Order {{order}}", "Your order shipped", Saved);

    private static List<Template> AllTemplates(string locale = DefaultLocale) =>
        [EmailTemplate(locale), SmsTemplate(locale), PushTemplate(locale), InAppTemplate(locale)];

    private static AcceptedEvent Event(
        IReadOnlyList<Channel>? channels = null,
        Priority priority = Priority.High,
        DateTimeOffset? notAfter = null,
        Recipient? recipient = null,
        string eventType = EventType)
    {
        var payload = TestJson.Parse("""{ "name": "Ada", "order": "A-42" }""");
        var submission = new EventSubmission("evt-1", eventType, "user-1", payload, priority, channels, SendAt: null, notAfter, recipient);
        return new AcceptedEvent(submission, priority, KeyMode.Live, "key-1", "hash", Saved, TraceParent: null, TraceState: null);
    }

    private static UserProfile Profile(Contact? contact = null, Preferences? preferences = null, IReadOnlyList<Device>? devices = null) =>
        new("user-1", contact ?? FullContact, preferences ?? Preferences.Default, devices ?? [Phone], UnreadCount: 0);

    private static Preferences With(
        Dictionary<Channel, bool>? channels = null,
        Dictionary<string, IReadOnlyDictionary<Channel, bool>>? eventTypes = null,
        QuietHours? quietHours = null) =>
        new(channels ?? [], eventTypes ?? [], quietHours, IsDefault: false, Saved);

    private static NotificationRecord Row(Channel channel, NotificationStatus status) =>
        new("evt-1", channel, "user-1", EventType, status, Attempts: 1, LastError: null, Reason: null, Simulated: false, Saved, Saved,
            ReadAt: null, new Dictionary<string, DateTimeOffset>(), Content: null);

    private static IReadOnlyList<ChannelDecision> Plan(
        AcceptedEvent accepted,
        UserProfile? profile = null,
        IReadOnlyList<Template>? templates = null,
        IReadOnlyDictionary<Channel, NotificationRecord>? existing = null,
        Func<Channel, string, bool>? isSuppressed = null,
        DateTimeOffset? now = null) =>
        DeliveryPlanner.Plan(
            accepted,
            profile ?? Profile(),
            templates ?? AllTemplates(),
            existing ?? NoRows,
            isSuppressed ?? ((_, _) => false),
            new TemplateRenderer(),
            DefaultLocale,
            now ?? Noon);

    private static ChannelDecision Single(AcceptedEvent accepted, UserProfile? profile = null, IReadOnlyList<Template>? templates = null,
        IReadOnlyDictionary<Channel, NotificationRecord>? existing = null, Func<Channel, string, bool>? isSuppressed = null, DateTimeOffset? now = null) =>
        Assert.Single(Plan(accepted, profile, templates, existing, isSuppressed, now));

    private static ChannelDecision.Finish AssertFinish(ChannelDecision decision, Channel channel, NotificationStatus status, string reason)
    {
        var finish = Assert.IsType<ChannelDecision.Finish>(decision);
        Assert.Equal(channel, finish.Channel);
        Assert.Equal(status, finish.Status);
        Assert.Equal(reason, finish.Reason);
        return finish;
    }

    // --- RequestedChannels ---

    [Fact]
    public void Should_use_the_named_channels_when_the_event_names_them()
    {
        var channels = DeliveryPlanner.RequestedChannels(Event([Channel.Sms, Channel.InApp]), AllTemplates());

        Assert.Equal([Channel.Sms, Channel.InApp], channels);
    }

    [Fact]
    public void Should_use_the_channels_that_have_templates_when_the_event_names_none()
    {
        var channels = DeliveryPlanner.RequestedChannels(Event(), [InAppTemplate("en"), EmailTemplate("fr"), EmailTemplate("en")]);

        Assert.Equal([Channel.Email, Channel.InApp], channels);
    }

    [Fact]
    public void Should_use_the_channels_that_have_templates_when_the_event_names_an_empty_list()
    {
        var channels = DeliveryPlanner.RequestedChannels(Event([]), [SmsTemplate("en")]);

        Assert.Equal([Channel.Sms], channels);
    }

    [Fact]
    public void Should_ask_for_all_four_channels_when_the_event_names_none_and_there_are_no_templates()
    {
        var channels = DeliveryPlanner.RequestedChannels(Event(), []);

        Assert.Equal([Channel.Email, Channel.Sms, Channel.Push, Channel.InApp], channels);
    }

    [Fact]
    public void Should_report_every_channel_as_template_missing_when_the_event_names_none_and_there_are_no_templates()
    {
        var decisions = Plan(Event(), templates: []);

        Assert.Equal([Channel.Email, Channel.Sms, Channel.Push, Channel.InApp], decisions.Select(d => d.Channel));
        Assert.All(decisions, d => AssertFinish(d, d.Channel, NotificationStatus.Failed, DeliveryReasons.TemplateMissing));
    }

    [Fact]
    public void Should_plan_only_the_templated_channels_when_the_event_names_none()
    {
        var decisions = Plan(Event(), templates: [SmsTemplate("en"), PushTemplate("en")]);

        Assert.Equal([Channel.Sms, Channel.Push], decisions.Select(d => d.Channel));
        Assert.All(decisions, d => Assert.IsType<ChannelDecision.Send>(d));
    }

    // --- AddressFor ---

    [Fact]
    public void Should_use_the_stored_contact_when_the_event_has_no_recipient()
    {
        var profile = Profile();

        Assert.Equal("ada@example.com", DeliveryPlanner.AddressFor(Channel.Email, Event(), profile));
        Assert.Equal("+33612345678", DeliveryPlanner.AddressFor(Channel.Sms, Event(), profile));
    }

    [Fact]
    public void Should_prefer_the_events_recipient_when_it_names_an_address()
    {
        var accepted = Event(recipient: new Recipient("other@example.com", "+14155550100"));

        Assert.Equal("other@example.com", DeliveryPlanner.AddressFor(Channel.Email, accepted, Profile()));
        Assert.Equal("+14155550100", DeliveryPlanner.AddressFor(Channel.Sms, accepted, Profile()));
    }

    [Fact]
    public void Should_fall_back_to_the_contact_per_channel_when_the_recipient_names_only_one_address()
    {
        var accepted = Event(recipient: new Recipient(Email: null, "+14155550100"));

        Assert.Equal("ada@example.com", DeliveryPlanner.AddressFor(Channel.Email, accepted, Profile()));
        Assert.Equal("+14155550100", DeliveryPlanner.AddressFor(Channel.Sms, accepted, Profile()));
    }

    [Theory]
    [InlineData(Channel.Push)]
    [InlineData(Channel.InApp)]
    public void Should_have_no_address_when_the_channel_does_not_use_one(Channel channel)
    {
        var accepted = Event(recipient: new Recipient("other@example.com", "+14155550100"));

        Assert.Null(DeliveryPlanner.AddressFor(channel, accepted, Profile()));
    }

    [Fact]
    public void Should_have_no_address_when_there_is_neither_recipient_nor_contact()
    {
        var profile = new UserProfile("user-1", Contact: null, Preferences.Default, [], 0);

        Assert.Null(DeliveryPlanner.AddressFor(Channel.Email, Event(), profile));
        Assert.Null(DeliveryPlanner.AddressFor(Channel.Sms, Event(), profile));
    }

    // --- Plan: final rows ---

    [Theory]
    [InlineData(NotificationStatus.Sent)]
    [InlineData(NotificationStatus.Failed)]
    [InlineData(NotificationStatus.Skipped)]
    [InlineData(NotificationStatus.Suppressed)]
    [InlineData(NotificationStatus.Unknown)]
    [InlineData(NotificationStatus.Delivered)]
    [InlineData(NotificationStatus.Bounced)]
    public void Should_leave_the_row_alone_when_it_already_has_a_final_status(NotificationStatus status)
    {
        var existing = new Dictionary<Channel, NotificationRecord> { [Channel.Email] = Row(Channel.Email, status) };

        // Expired too: an outcome already stored wins over every later check.
        var decision = Single(Event([Channel.Email], notAfter: Noon.AddHours(-1)), existing: existing);

        var final = Assert.IsType<ChannelDecision.AlreadyFinal>(decision);
        Assert.Equal(Channel.Email, final.Channel);
        Assert.Equal(status, final.Status);
    }

    [Theory]
    [InlineData(NotificationStatus.Pending)]
    [InlineData(NotificationStatus.Deferred)]
    [InlineData(NotificationStatus.Sending)]
    public void Should_decide_again_when_the_stored_row_is_still_open(NotificationStatus status)
    {
        var existing = new Dictionary<Channel, NotificationRecord> { [Channel.Email] = Row(Channel.Email, status) };

        Assert.IsType<ChannelDecision.Send>(Single(Event([Channel.Email]), existing: existing));
    }

    [Fact]
    public void Should_decide_the_other_channels_when_only_one_row_is_final()
    {
        var existing = new Dictionary<Channel, NotificationRecord> { [Channel.Sms] = Row(Channel.Sms, NotificationStatus.Sent) };

        var decisions = Plan(Event([Channel.Email, Channel.Sms]), existing: existing);

        Assert.IsType<ChannelDecision.Send>(decisions[0]);
        Assert.Equal(Channel.Sms, Assert.IsType<ChannelDecision.AlreadyFinal>(decisions[1]).Channel);
    }

    // --- Plan: expiry ---

    [Fact]
    public void Should_skip_as_expired_when_now_is_past_notAfter()
    {
        var deadline = Noon.AddMinutes(-1);

        var decisions = Plan(Event([Channel.Email, Channel.InApp], notAfter: deadline));

        Assert.All(decisions, d =>
        {
            var finish = AssertFinish(d, d.Channel, NotificationStatus.Skipped, DeliveryReasons.Expired);
            Assert.Null(finish.Content);
            Assert.Contains(deadline.ToString("O", System.Globalization.CultureInfo.InvariantCulture), finish.Error, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Should_send_when_notAfter_is_still_ahead()
    {
        Assert.IsType<ChannelDecision.Send>(Single(Event([Channel.Email], notAfter: Noon.AddMinutes(1))));
    }

    // --- Plan: preferences ---

    [Fact]
    public void Should_skip_as_opted_out_when_the_channel_preference_is_off()
    {
        var profile = Profile(preferences: With(channels: new() { [Channel.Sms] = false, [Channel.Email] = true }));

        var decisions = Plan(Event([Channel.Email, Channel.Sms]), profile);

        Assert.IsType<ChannelDecision.Send>(decisions[0]);
        var finish = AssertFinish(decisions[1], Channel.Sms, NotificationStatus.Skipped, DeliveryReasons.OptedOut);
        Assert.Null(finish.Content);
    }

    [Fact]
    public void Should_skip_as_opted_out_when_the_event_type_override_turns_the_channel_off()
    {
        var profile = Profile(preferences: With(
            channels: new() { [Channel.Email] = true },
            eventTypes: new() { [EventType] = new Dictionary<Channel, bool> { [Channel.Email] = false } }));

        AssertFinish(Single(Event([Channel.Email]), profile), Channel.Email, NotificationStatus.Skipped, DeliveryReasons.OptedOut);
    }

    [Fact]
    public void Should_send_when_the_event_type_override_turns_on_a_channel_that_is_off_in_general()
    {
        var profile = Profile(preferences: With(
            channels: new() { [Channel.Email] = false },
            eventTypes: new() { [EventType] = new Dictionary<Channel, bool> { [Channel.Email] = true } }));

        Assert.IsType<ChannelDecision.Send>(Single(Event([Channel.Email]), profile));
    }

    [Fact]
    public void Should_send_when_the_override_belongs_to_another_event_type()
    {
        var profile = Profile(preferences: With(
            eventTypes: new() { ["invoice.paid"] = new Dictionary<Channel, bool> { [Channel.Email] = false } }));

        Assert.IsType<ChannelDecision.Send>(Single(Event([Channel.Email]), profile));
    }

    [Fact]
    public void Should_skip_as_opted_out_before_checking_the_address_when_the_user_opted_out()
    {
        var profile = Profile(contact: new Contact(null, null, "en", null, Saved), preferences: With(channels: new() { [Channel.Email] = false }));

        AssertFinish(Single(Event([Channel.Email]), profile), Channel.Email, NotificationStatus.Skipped, DeliveryReasons.OptedOut);
    }

    // --- Plan: reachability ---

    [Fact]
    public void Should_skip_as_no_address_when_the_contact_has_no_email()
    {
        var profile = Profile(contact: new Contact(null, "+33612345678", "en", null, Saved));

        var decisions = Plan(Event([Channel.Email, Channel.Sms]), profile);

        AssertFinish(decisions[0], Channel.Email, NotificationStatus.Skipped, DeliveryReasons.NoAddress);
        Assert.IsType<ChannelDecision.Send>(decisions[1]);
    }

    [Fact]
    public void Should_skip_as_no_address_when_the_contact_has_no_phone()
    {
        var profile = Profile(contact: new Contact("ada@example.com", null, "en", null, Saved));

        var decisions = Plan(Event([Channel.Email, Channel.Sms]), profile);

        Assert.IsType<ChannelDecision.Send>(decisions[0]);
        AssertFinish(decisions[1], Channel.Sms, NotificationStatus.Skipped, DeliveryReasons.NoAddress);
    }

    [Fact]
    public void Should_skip_email_and_sms_as_no_address_but_still_send_in_app_when_there_is_no_contact()
    {
        var profile = new UserProfile("user-1", Contact: null, Preferences.Default, [], 0);

        var decisions = Plan(Event([Channel.Email, Channel.Sms, Channel.InApp]), profile);

        AssertFinish(decisions[0], Channel.Email, NotificationStatus.Skipped, DeliveryReasons.NoAddress);
        AssertFinish(decisions[1], Channel.Sms, NotificationStatus.Skipped, DeliveryReasons.NoAddress);
        var inApp = Assert.IsType<ChannelDecision.Send>(decisions[2]);
        Assert.Null(inApp.Address);
        Assert.Empty(inApp.Devices);
    }

    [Fact]
    public void Should_send_to_the_recipient_when_the_contact_has_no_address_but_the_event_names_one()
    {
        var profile = new UserProfile("user-1", Contact: null, Preferences.Default, [], 0);

        var send = Assert.IsType<ChannelDecision.Send>(Single(Event([Channel.Email], recipient: new Recipient("other@example.com", null)), profile));

        Assert.Equal("other@example.com", send.Address);
    }

    [Fact]
    public void Should_skip_as_no_device_when_the_user_has_no_device()
    {
        AssertFinish(Single(Event([Channel.Push]), Profile(devices: [])), Channel.Push, NotificationStatus.Skipped, DeliveryReasons.NoDevice);
    }

    [Fact]
    public void Should_skip_as_no_device_when_every_device_is_disabled()
    {
        AssertFinish(Single(Event([Channel.Push]), Profile(devices: [OldPhone])), Channel.Push, NotificationStatus.Skipped, DeliveryReasons.NoDevice);
    }

    [Fact]
    public void Should_send_to_enabled_devices_only_when_some_are_disabled()
    {
        var send = Assert.IsType<ChannelDecision.Send>(Single(Event([Channel.Push]), Profile(devices: [Phone, OldPhone, Tablet])));

        Assert.Equal([Phone, Tablet], send.Devices);
        Assert.Null(send.Address);
    }

    // --- Plan: suppression ---

    [Fact]
    public void Should_finish_as_suppressed_when_the_address_is_on_the_suppression_list()
    {
        var decisions = Plan(
            Event([Channel.Email, Channel.Sms]),
            isSuppressed: (channel, address) => channel == Channel.Email && address == "ada@example.com");

        var finish = AssertFinish(decisions[0], Channel.Email, NotificationStatus.Suppressed, DeliveryReasons.Suppressed);
        Assert.NotNull(finish.Error);
        Assert.Null(finish.Content);
        Assert.IsType<ChannelDecision.Send>(decisions[1]);
    }

    [Fact]
    public void Should_finish_sms_as_suppressed_when_the_phone_is_on_the_suppression_list()
    {
        var decision = Single(Event([Channel.Sms]), isSuppressed: (channel, address) => channel == Channel.Sms && address == "+33612345678");

        AssertFinish(decision, Channel.Sms, NotificationStatus.Suppressed, DeliveryReasons.Suppressed);
    }

    [Fact]
    public void Should_check_suppression_against_the_recipient_when_the_event_overrides_the_contact()
    {
        var asked = new List<(Channel, string)>();
        var accepted = Event([Channel.Email, Channel.Sms], recipient: new Recipient("other@example.com", "+14155550100"));

        var decisions = Plan(accepted, isSuppressed: (channel, address) =>
        {
            asked.Add((channel, address));
            return address == "other@example.com";
        });

        Assert.Equal([(Channel.Email, "other@example.com"), (Channel.Sms, "+14155550100")], asked);
        AssertFinish(decisions[0], Channel.Email, NotificationStatus.Suppressed, DeliveryReasons.Suppressed);
        Assert.Equal("+14155550100", Assert.IsType<ChannelDecision.Send>(decisions[1]).Address);
    }

    [Fact]
    public void Should_not_consult_the_suppression_list_when_the_channel_has_no_address()
    {
        var asked = 0;

        var decisions = Plan(Event([Channel.Push, Channel.InApp]), isSuppressed: (_, _) =>
        {
            asked++;
            return true;
        });

        Assert.Equal(0, asked);
        Assert.All(decisions, d => Assert.IsType<ChannelDecision.Send>(d));
    }

    // --- Plan: templates ---

    [Fact]
    public void Should_fail_as_template_missing_when_the_channel_has_no_template()
    {
        var decisions = Plan(Event([Channel.Email, Channel.Sms]), templates: [EmailTemplate("en"), SmsTemplate("de")]);

        Assert.IsType<ChannelDecision.Send>(decisions[0]);
        var finish = AssertFinish(decisions[1], Channel.Sms, NotificationStatus.Failed, DeliveryReasons.TemplateMissing);
        Assert.Contains("en", finish.Error, StringComparison.Ordinal);
        Assert.Null(finish.Content);
    }

    [Fact]
    public void Should_fail_as_render_failed_when_a_required_part_renders_empty()
    {
        var decision = Single(Event([Channel.Sms]), templates: [SmsTemplate("en", body: "{{missing}}")]);

        var finish = AssertFinish(decision, Channel.Sms, NotificationStatus.Failed, DeliveryReasons.RenderFailed);
        Assert.Contains("body", finish.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_render_the_language_template_when_the_user_locale_has_none()
    {
        var profile = Profile(contact: FullContact with { Locale = "fr-CA" });

        var send = Assert.IsType<ChannelDecision.Send>(Single(Event([Channel.Email]), profile, [EmailTemplate("en"), EmailTemplate("fr", "Bonjour")]));

        Assert.Equal("Bonjour Ada", send.Content.Subject);
    }

    [Fact]
    public void Should_render_the_exact_locale_template_when_it_exists()
    {
        var profile = Profile(contact: FullContact with { Locale = "fr-CA" });
        Template[] templates = [EmailTemplate("en"), EmailTemplate("fr", "Bonjour"), EmailTemplate("fr-CA", "Allo")];

        var send = Assert.IsType<ChannelDecision.Send>(Single(Event([Channel.Email]), profile, templates));

        Assert.Equal("Allo Ada", send.Content.Subject);
    }

    [Theory]
    [InlineData("de-DE")]
    [InlineData(null)]
    public void Should_render_the_default_locale_template_when_the_user_locale_and_language_have_none(string? locale)
    {
        var profile = Profile(contact: FullContact with { Locale = locale });

        var send = Assert.IsType<ChannelDecision.Send>(Single(Event([Channel.Email]), profile, [EmailTemplate("fr", "Bonjour"), EmailTemplate("en")]));

        Assert.Equal("Hello Ada", send.Content.Subject);
    }

    // --- Plan: quiet hours ---

    [Theory]
    [InlineData(1, 15, 22, 30, 1, 16, 1)] // 23:30 CET → 07:00 CET (+01:00) the next morning
    [InlineData(1, 16, 2, 0, 1, 16, 1)] // 03:00 CET, after midnight → 07:00 CET the same morning
    [InlineData(7, 10, 21, 30, 7, 11, 2)] // 23:30 CEST → 07:00 CEST (+02:00)
    public void Should_defer_until_the_local_end_of_quiet_hours_when_a_low_priority_event_arrives_inside_them(
        int month, int day, int utcHour, int utcMinute, int endMonth, int endDay, int offsetHours)
    {
        var now = new DateTimeOffset(2026, month, day, utcHour, utcMinute, 0, TimeSpan.Zero);
        var profile = Profile(preferences: With(quietHours: NightInParis));

        var decisions = Plan(Event([Channel.Email, Channel.Sms, Channel.Push, Channel.InApp], Priority.Low), profile, now: now);

        var expected = new DateTimeOffset(2026, endMonth, endDay, 7, 0, 0, TimeSpan.FromHours(offsetHours));
        Assert.Equal(4, decisions.Count);
        Assert.All(decisions, d =>
        {
            var defer = Assert.IsType<ChannelDecision.Defer>(d);
            Assert.Equal(DeliveryReasons.QuietHours, defer.Reason);
            Assert.Equal(expected, defer.Until);
            var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
            Assert.Equal(new TimeOnly(7, 0), TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(defer.Until, paris).DateTime));
            Assert.True(defer.Until > now);
        });
    }

    [Fact]
    public void Should_send_when_a_high_priority_event_arrives_inside_quiet_hours()
    {
        var profile = Profile(preferences: With(quietHours: NightInParis));

        var decisions = Plan(Event([Channel.Email, Channel.InApp], Priority.High), profile, now: LateEvening);

        Assert.All(decisions, d => Assert.IsType<ChannelDecision.Send>(d));
    }

    [Fact]
    public void Should_send_when_a_low_priority_event_arrives_outside_quiet_hours()
    {
        var profile = Profile(preferences: With(quietHours: NightInParis));

        Assert.IsType<ChannelDecision.Send>(Single(Event([Channel.Email], Priority.Low), profile, now: Noon));
    }

    [Fact]
    public void Should_skip_rather_than_defer_when_a_low_priority_channel_is_unreachable_inside_quiet_hours()
    {
        var profile = Profile(contact: FullContact with { Email = null }, preferences: With(quietHours: NightInParis));

        AssertFinish(Single(Event([Channel.Email], Priority.Low), profile, now: LateEvening), Channel.Email, NotificationStatus.Skipped, DeliveryReasons.NoAddress);
    }

    [Fact]
    public void Should_fail_rather_than_defer_when_a_low_priority_channel_has_no_template_inside_quiet_hours()
    {
        var profile = Profile(preferences: With(quietHours: NightInParis));

        var decision = Single(Event([Channel.Sms], Priority.Low), profile, templates: [EmailTemplate("en")], now: LateEvening);

        AssertFinish(decision, Channel.Sms, NotificationStatus.Failed, DeliveryReasons.TemplateMissing);
    }

    // --- Plan: send ---

    [Fact]
    public void Should_carry_the_rendered_content_address_and_devices_when_sending()
    {
        var decisions = Plan(Event([Channel.Email, Channel.Sms, Channel.Push, Channel.InApp]), Profile(devices: [Phone, OldPhone]));

        var email = Assert.IsType<ChannelDecision.Send>(decisions[0]);
        Assert.Equal(Channel.Email, email.Channel);
        Assert.Equal("ada@example.com", email.Address);
        Assert.Equal("Hello Ada", email.Content.Subject);
        Assert.Equal("Hello Ada, order A-42 shipped", email.Content.Text);
        Assert.Equal("<p>Hello Ada</p>", email.Content.Html);
        Assert.Empty(email.Devices);

        var sms = Assert.IsType<ChannelDecision.Send>(decisions[1]);
        Assert.Equal("+33612345678", sms.Address);
        Assert.Equal("Order A-42 shipped", sms.Content.Body);
        Assert.Empty(sms.Devices);

        var push = Assert.IsType<ChannelDecision.Send>(decisions[2]);
        Assert.Null(push.Address);
        Assert.Equal([Phone], push.Devices);
        Assert.Equal("Shipped", push.Content.Title);
        Assert.Equal("Order A-42 is on its way", push.Content.Body);

        var inApp = Assert.IsType<ChannelDecision.Send>(decisions[3]);
        Assert.Null(inApp.Address);
        Assert.Empty(inApp.Devices);
        Assert.Equal("Order A-42", inApp.Content.Title);
        Assert.Equal("Your order shipped", inApp.Content.Body);
    }

    [Fact]
    public void Should_send_to_the_events_recipient_when_it_overrides_the_contact()
    {
        var accepted = Event([Channel.Email, Channel.Sms], recipient: new Recipient("other@example.com", "+14155550100"));

        var decisions = Plan(accepted);

        Assert.Equal("other@example.com", Assert.IsType<ChannelDecision.Send>(decisions[0]).Address);
        Assert.Equal("+14155550100", Assert.IsType<ChannelDecision.Send>(decisions[1]).Address);
    }

    [Fact]
    public void Should_keep_the_requested_order_when_planning()
    {
        var decisions = Plan(Event([Channel.InApp, Channel.Email]));

        Assert.Equal([Channel.InApp, Channel.Email], decisions.Select(d => d.Channel));
    }
}
