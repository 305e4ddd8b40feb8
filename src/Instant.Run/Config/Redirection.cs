namespace Instant.Run.Config;

/// <summary>How a standard stream of a child is redirected.</summary>
public enum RedirectionKind
{
    /// <summary>The child inherits the orchestrator's stream.</summary>
    Inherit,
    /// <summary>/dev/null, opened for reading (stdin) or writing (stdout/stderr).</summary>
    DevNull,
    /// <summary>stderr goes wherever stdout goes.</summary>
    ToStdout,
    Read,
    Truncate,
    Append,
    ReadWrite,
}

/// <summary>A parsed <c>stdin</c>/<c>stdout</c>/<c>stderr</c> value; <see cref="Path"/> is absolute.</summary>
public sealed record Redirection(RedirectionKind Kind, string? Path = null, string Text = "")
{
    public static readonly Redirection Inherit = new(RedirectionKind.Inherit);

    /// <summary>Parses a redirection; <paramref name="stream"/> is stdin, stdout or stderr.</summary>
    public static Redirection Parse(string value, string stream, string baseDirectory)
    {
        var text = value.Trim();
        if (text.Length == 0) return Inherit;
        if (text == "devnull") return new Redirection(RedirectionKind.DevNull, "/dev/null", text);
        if (text == "stdout")
        {
            if (stream != "stderr")
                throw new ConfigException($"Invalid {stream} redirection '{text}': 'stdout' is only valid for stderr");
            return new Redirection(RedirectionKind.ToStdout, null, text);
        }
        var operatorLength = 0;
        while (operatorLength < text.Length && text[operatorLength] is '<' or '>' or '|' or '&') operatorLength++;
        var op = text[..operatorLength];
        var kind = op switch
        {
            "<" => RedirectionKind.Read,
            ">" => RedirectionKind.Truncate,
            ">>" => RedirectionKind.Append,
            "<>" => RedirectionKind.ReadWrite,
            _ => throw new ConfigException(
                $"Invalid {stream} redirection '{text}': expected '', 'devnull'{(stream == "stderr" ? ", 'stdout'" : "")}, '<PATH', '>PATH', '>>PATH' or '<>PATH'"),
        };
        var path = text[operatorLength..].Trim();
        if (path.Length == 0) throw new ConfigException($"Invalid {stream} redirection '{text}': no path after '{op}'");
        return new Redirection(kind, System.IO.Path.GetFullPath(path, baseDirectory), text);
    }
}
