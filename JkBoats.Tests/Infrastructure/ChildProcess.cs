using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace JkBoats.Tests.Infrastructure;

/// <summary>Runs a command to its end and returns its exit code with stdout and stderr interleaved, in the C locale.</summary>
internal static class ChildProcess
{
    public static ProcessStartInfo StartInfo(string file, IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = "/",
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["LC_ALL"] = "C";
        psi.Environment["LANG"] = "C";
        return psi;
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IReadOnlyList<string> args, CancellationToken ct)
    {
        using var p = new Process { StartInfo = StartInfo(file, args) };
        var output = new StringBuilder();
        var gate = new object();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) output.AppendLine(e.Data); };
        try
        {
            p.Start();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"Could not start '{file}': {ex.Message}", ex);
        }
        p.StandardInput.Close();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            await p.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { p.Kill(entireProcessTree: true); } catch { /* already gone */ }
            throw;
        }
        lock (gate) return (p.ExitCode, output.ToString().TrimEnd());
    }

    public static string? FindOnPath(string exe)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, exe);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static bool IsRoot()
    {
        try { return geteuid() == 0; }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        }
    }

    [DllImport("libc", SetLastError = false)]
    private static extern uint geteuid();
}
