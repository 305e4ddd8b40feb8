using Instant.Actors.Configuration;
using System.Globalization;

namespace Instant.Web.Cli;

/// <summary>
/// Configuration values in the original's order: <c>--option</c> (where a key given without a
/// value hides every later source), then the environment (<c>instant.cookies.keyfile</c> is
/// <c>INSTANT_COOKIES_KEYFILE</c>), then the <c>--config</c> properties file, then the
/// plugins' configuration values in plugin order.
/// </summary>
public sealed class InstantConfiguration
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly Func<string, string?> _environment;
    private readonly IReadOnlyDictionary<string, string> _file;
    private readonly IReadOnlyDictionary<string, string> _plugins;

    public InstantConfiguration(
        IEnumerable<KeyValuePair<string, string?>> options,
        Func<string, string?> environment,
        IReadOnlyDictionary<string, string> file,
        IReadOnlyDictionary<string, string>? plugins = null)
    {
        _plugins = plugins ?? new Dictionary<string, string>();
        foreach (var (key, value) in options)
        {
            _options.TryAdd(key, value); // the first --option for a key wins, as lookups stop there
        }

        _environment = environment;
        _file = file;
    }

    public static InstantConfiguration From(
        ServerOptions options, Func<string, string?>? environment = null, IReadOnlyDictionary<string, string>? plugins = null)
    {
        IReadOnlyDictionary<string, string> file = new Dictionary<string, string>();
        if (options.ConfigFile is { } path)
        {
            try
            {
                file = JavaProperties.Parse(File.ReadAllText(path));
            }
            catch (IOException e)
            {
                throw new CommandLineException($"cannot read configuration file {path}: {e.Message}");
            }
            catch (UnauthorizedAccessException e)
            {
                throw new CommandLineException($"cannot read configuration file {path}: {e.Message}");
            }
        }

        return new InstantConfiguration(options.Options, environment ?? Environment.GetEnvironmentVariable, file, plugins);
    }

    public string? Get(string key)
    {
        if (_options.TryGetValue(key, out var explicitValue))
        {
            return explicitValue;
        }

        return _environment(key.ToUpperInvariant().Replace('.', '_')) ?? _file.GetValueOrDefault(key) ?? _plugins.GetValueOrDefault(key);
    }

    /// <summary>A yes/no setting (<see cref="ConfigBoolean"/>), false when unset; a word that is neither is an error.</summary>
    public bool GetBool(string key)
    {
        if (Get(key) is not { Length: > 0 } text)
        {
            return false;
        }

        return ConfigBoolean.TryParse(text, out bool value)
            ? value
            : throw new CommandLineException($"configuration value {key}='{text}' is not yes or no (true, 1, y, yes, on or false, 0, n, no, off)");
    }

    public long GetLong(string key, long defaultValue, long min = 0)
    {
        string? text = Get(key);
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        if (!long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) || value < min)
        {
            throw new CommandLineException($"configuration value {key}='{text}' is not a whole number of at least {min}");
        }

        return value;
    }
}
