using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Notify.Aws.Tests.Wire;

/// <summary>
/// One call of the official AWS SDK for JavaScript v3: <paramref name="Client"/> is sqs, sns, sesv2 or ses,
/// <paramref name="Command"/> the command name without the "Command" suffix, <paramref name="Input"/> any object
/// serialized as the command input with its property names unchanged (binary members as <c>{"$base64": "..."}</c>,
/// see <see cref="JsSdk.Binary"/>).
/// </summary>
public sealed record JsCall(string Client, string Command, object Input, Uri Endpoint);

/// <summary>
/// Runs tests/Notify.Aws.Tests/wire/js-call.mjs with Node. Its dependencies are installed from the committed
/// package-lock.json (<c>npm ci</c>) the first time a test needs them, once per test run.
/// </summary>
public static class JsSdk
{
    private static readonly Lazy<Task<string>> Installed = new(InstallAsync);

    /// <summary>A binary member (a blob such as a message attribute's BinaryValue or a raw email) as the runner expects it.</summary>
    public static object Binary(byte[] bytes) => new Dictionary<string, string> { ["$base64"] = Convert.ToBase64String(bytes) };

    /// <summary>
    /// Runs the calls one after another in a single Node process (start-up costs about 0.3 s a process) and
    /// returns the runner's report, one line per call (<c>sqs.ListQueues: InvalidAddress</c>).
    /// </summary>
    public static async Task<string> RunAsync(IReadOnlyList<JsCall> calls, CancellationToken cancellationToken)
    {
        var folder = await Installed.Value;
        var batch = new JsonArray([.. calls.Select(c => new JsonObject
        {
            ["client"] = c.Client,
            ["command"] = c.Command,
            ["input"] = JsonSerializer.SerializeToNode(c.Input, c.Input.GetType()),
            ["endpoint"] = c.Endpoint.ToString().TrimEnd('/'),
        })]);
        var file = Path.Combine(Path.GetTempPath(), $"notify-wire-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, batch.ToJsonString(), cancellationToken);
        try
        {
            var (exitCode, output) = await RunProcessAsync("node", ["js-call.mjs", "--batch", file], folder, cancellationToken);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"js-call.mjs failed (exit {exitCode}):\n{output}");
            }

            // Keep only the per-call lines; Node prints a version-support warning on older runtimes.
            return string.Join('\n', output.Split('\n').Where(l => calls.Any(c => l.StartsWith($"{c.Client}.{c.Command}:", StringComparison.Ordinal))));
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static Task<string> RunAsync(JsCall call, CancellationToken cancellationToken) => RunAsync([call], cancellationToken);

    /// <summary>
    /// The repository root: the nearest ancestor holding Notify.sln of the test binaries, else of this source
    /// file (builds with --artifacts-path put the binaries outside the repository).
    /// </summary>
    public static string RepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? string.Empty })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Notify.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"Notify.sln was not found above {AppContext.BaseDirectory} nor {sourceFile}.");
    }

    private static async Task<string> InstallAsync()
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "Notify.Aws.Tests", "wire");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "@aws-sdk", "client-sqs")))
        {
            var (exitCode, output) = await RunProcessAsync("npm", ["ci", "--no-audit", "--no-fund"], folder, CancellationToken.None);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"`npm ci` in {folder} failed (exit {exitCode}):\n{output}");
            }
        }

        return folder;
    }

    private static async Task<(int ExitCode, string Output)> RunProcessAsync(
        string program, IReadOnlyList<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"The wire tests run the official AWS SDK for JavaScript and need Node.js 20+ with npm on PATH ('{program}' could not be started: {e.Message}).", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return (process.ExitCode, (await stdout) + (await stderr));
        }
    }
}
