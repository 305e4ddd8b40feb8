namespace Scribe.Actors;

/// <summary>
/// The files Scribe writes (database, cookies, logfile) may name directories not made yet, as in
/// the example configuration of RUNNING.md (<c>--msgdb db/messages-ROOM.sqlite</c>): they are made.
/// </summary>
public static class ParentDirectory
{
    public static void Create(string file)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(file)) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }
    }
}
