using Amazon.CDK;

namespace Notify.Cdk;

internal static class Program
{
    public static void Main()
    {
        var app = new App();
        NotifyApp.Compose(app);
        app.Synth();
    }
}
