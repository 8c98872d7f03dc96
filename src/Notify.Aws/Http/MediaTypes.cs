namespace Notify.Aws.Http;

internal static class MediaTypes
{
    public const string AmzJson10 = "application/x-amz-json-1.0";
    public const string Json = "application/json";
    public const string FormUrlEncoded = "application/x-www-form-urlencoded";
}
