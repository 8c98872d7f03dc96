using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Notify.Aws.Sqs;

namespace Notify.Aws.Tests.Sqs;

#pragma warning disable CA5351 // MD5 is what the SQS protocol defines; the test rebuilds it independently.

public sealed class SqsMessageChecksumsTests
{
    [Fact]
    public void Should_match_the_known_md5_when_the_body_is_hello()
    {
        Assert.Equal("5d41402abc4b2a76b9719d911017c592", SqsMessageChecksums.Md5OfBody("hello"));
        Assert.Equal("d41d8cd98f00b204e9800998ecf8427e", SqsMessageChecksums.Md5OfBody(string.Empty));
    }

    [Fact]
    public void Should_hash_utf8_bytes_when_the_body_is_not_ascii()
    {
        var expected = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("héllo ✓")));

        Assert.Equal(expected, SqsMessageChecksums.Md5OfBody("héllo ✓"));
    }

    [Fact]
    public void Should_equal_an_independent_step_by_step_encoding_when_attributes_mix_types()
    {
        var attributes = new Dictionary<string, MessageAttributeValue>
        {
            // Inserted out of order: the encoding sorts by name.
            ["z-bin"] = new() { DataType = "Binary", BinaryValue = [0, 1, 2, 255] },
            ["count"] = new() { DataType = "Number", StringValue = "42" },
            ["Name"] = new() { DataType = "String.custom", StringValue = "héllo" },
        };

        // Ordinal order: "Name" < "count" < "z-bin" (upper case sorts first).
        var bytes = new List<byte>();
        void Prefixed(byte[] value)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
            bytes.AddRange(length);
            bytes.AddRange(value);
        }

        Prefixed("Name"u8.ToArray());
        Prefixed("String.custom"u8.ToArray());
        bytes.Add(1);
        Prefixed(Encoding.UTF8.GetBytes("héllo"));
        Prefixed("count"u8.ToArray());
        Prefixed("Number"u8.ToArray());
        bytes.Add(1);
        Prefixed("42"u8.ToArray());
        Prefixed("z-bin"u8.ToArray());
        Prefixed("Binary"u8.ToArray());
        bytes.Add(2);
        Prefixed([0, 1, 2, 255]);
        var expected = Convert.ToHexStringLower(MD5.HashData(bytes.ToArray()));

        Assert.Equal(expected, SqsMessageChecksums.Md5OfMessageAttributes(attributes));
    }

    [Fact]
    public void Should_match_digests_moto_answered_when_given_the_same_attributes()
    {
        // Digests captured from moto 5.2.1's SendMessage answers (MD5OfMessageAttributes) for these attributes.
        var stringAndBinary = new Dictionary<string, MessageAttributeValue>
        {
            ["s"] = new() { DataType = "String", StringValue = "v" },
            ["b"] = new() { DataType = "Binary", BinaryValue = [0, 1, 2] },
        };
        var customTypes = new Dictionary<string, MessageAttributeValue>
        {
            ["n"] = new() { DataType = "Number.int", StringValue = "42" },
            ["u"] = new() { DataType = "String.custom", StringValue = "héllo" },
        };

        Assert.Equal("cfd3bfb043f86340e7dbc235456abbb0", SqsMessageChecksums.Md5OfMessageAttributes(stringAndBinary));
        Assert.Equal("e83d9182802ac9eae0f61458a42347fa", SqsMessageChecksums.Md5OfMessageAttributes(customTypes));
    }

    [Fact]
    public void Should_return_null_when_there_are_no_attributes()
    {
        Assert.Null(SqsMessageChecksums.Md5OfMessageAttributes(null));
        Assert.Null(SqsMessageChecksums.Md5OfMessageAttributes(new Dictionary<string, MessageAttributeValue>()));
        Assert.Null(SqsMessageChecksums.Md5OfMessageSystemAttributes(new Dictionary<string, MessageSystemAttributeValue>()));
    }

    [Fact]
    public void Should_change_the_digest_when_one_value_byte_changes()
    {
        static string? Digest(byte last) => SqsMessageChecksums.Md5OfMessageAttributes(
            new Dictionary<string, MessageAttributeValue> { ["b"] = new() { DataType = "Binary", BinaryValue = [1, 2, last] } });

        Assert.NotEqual(Digest(3), Digest(4));
    }

    [Fact]
    public void Should_report_the_field_and_message_id_when_a_received_body_does_not_match()
    {
        var message = new Message { MessageId = "m-1", Body = "hello", MD5OfBody = SqsMessageChecksums.Md5OfBody("hellO") };

        var mismatch = SqsMessageChecksums.CheckReceived(message);

        Assert.NotNull(mismatch);
        Assert.Equal("MD5OfBody", mismatch.Field);
        Assert.Equal("m-1", mismatch.MessageId);
        Assert.Equal("5d41402abc4b2a76b9719d911017c592", mismatch.Expected);
        Assert.Null(SqsMessageChecksums.CheckReceived(new Message { MessageId = "m-2", Body = "hello", MD5OfBody = "5D41402ABC4B2A76B9719D911017C592" }));
    }
}
