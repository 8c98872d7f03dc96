using System.Runtime.CompilerServices;
using Amazon.CDK.AWS.Ecr.Assets;
using Amazon.CDK.AWS.ECS;
using Amazon.CDK.AWS.Lambda;

namespace Notify.Cdk.Services;

/// <summary>
/// The two container images, built from the repository root with <c>src/Notify.Api/Dockerfile</c> and
/// <c>src/Notify.Worker/Dockerfile</c>. Synth only stages the build context (what the root <c>.dockerignore</c> lets
/// through: sources and build props, no bin/obj/node_modules/.git); <c>cdk deploy</c> builds and pushes the images. The
/// API image serves Kestrel, or the Lambda Runtime API when <c>AWS_LAMBDA_RUNTIME_API</c> is set, so Lambda and the
/// Fargate variant run the same image.
/// </summary>
internal static class ServiceImages
{
    public const string ApiDockerfile = "src/Notify.Api/Dockerfile";

    public const string WorkerDockerfile = "src/Notify.Worker/Dockerfile";

    /// <summary>The repository root: the nearest directory above the working directory (cdk/ under the CLI) holding Notify.sln.</summary>
    public static string RepositoryRoot { get; } = FindRoot(Directory.GetCurrentDirectory()) ?? FindRoot(SourceDirectory()) ??
        throw new InvalidOperationException("Notify.sln not found above the working directory: run the CDK app from the repository (cdk/).");

    public static DockerImageCode ApiLambdaCode() => DockerImageCode.FromImageAsset(RepositoryRoot, new AssetImageCodeProps
    {
        File = ApiDockerfile,
        Platform = Platform_.LINUX_AMD64,
    });

    public static ContainerImage Api() => Container(ApiDockerfile);

    public static ContainerImage Worker() => Container(WorkerDockerfile);

    private static ContainerImage Container(string dockerfile) => ContainerImage.FromAsset(RepositoryRoot, new AssetImageProps
    {
        File = dockerfile,
        Platform = Platform_.LINUX_AMD64,
    });

    private static string? FindRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Notify.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    /// <summary>This file's directory at build time: the fallback when the app runs from elsewhere (tests).</summary>
    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path) ?? ".";
}
