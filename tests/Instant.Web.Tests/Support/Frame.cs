using System.Text.Json;

namespace Instant.Web.Tests.Support;

/// <summary>One text frame received from the server: its exact text and its parsed JSON.</summary>
public sealed class Frame
{
    public Frame(string raw)
    {
        Raw = raw;
        using var document = JsonDocument.Parse(raw, new JsonDocumentOptions { MaxDepth = 10_000 });
        Root = document.RootElement.Clone();
    }

    /// <summary>The frame's text exactly as it arrived.</summary>
    public string Raw { get; }

    public JsonElement Root { get; }

    public string? Type => Member("type") is { ValueKind: JsonValueKind.String } t ? t.GetString() : null;

    public JsonElement Data => Root.GetProperty("data");

    public string? Id => Member("id")?.GetString();

    public string? From => Member("from")?.GetString();

    public bool Has(string name) => Root.TryGetProperty(name, out _);

    public JsonElement? Member(string name) => Root.TryGetProperty(name, out var value) ? value : null;

    /// <summary>The raw JSON text of <c>seq</c> as the server wrote it, or null when absent.</summary>
    public string? SeqText => Member("seq")?.GetRawText();

    /// <summary>The error code of an <c>error</c> frame.</summary>
    public string? ErrorCode => Type == "error" ? Data.GetProperty("code").GetString() : null;

    public override string ToString() => Raw;
}
