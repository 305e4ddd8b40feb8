using System.Runtime.InteropServices;

namespace Instant.Actors.Files;

/// <summary>What a path names, as far as reading it as a file is concerned.</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,

    /// <summary>A FIFO, device, socket: opening or reading one can block or never end.</summary>
    Special,
}

/// <summary>
/// The type of a file without opening it. .NET reports a FIFO or a device as an ordinary file
/// of length 0, and opening a FIFO blocks until a writer appears; the server must tell them
/// apart before it opens anything an operator (key file) or a visitor (webroot) points it at.
/// </summary>
public static class FileType
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int StatxSize = 256; // struct statx has a fixed layout on every architecture
    private const int ModeOffset = 28;
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    /// <summary>
    /// The kind of <paramref name="path"/>; with <paramref name="followLinks"/> a symbolic link is
    /// looked through (and a dangling one is <see cref="FileKind.Missing"/>).
    /// </summary>
    public static FileKind Of(string path, bool followLinks)
    {
        if (OperatingSystem.IsLinux() && LinuxKind(path, followLinks) is { } kind)
        {
            return kind;
        }

        return PortableKind(path, followLinks);
    }

    private static FileKind? LinuxKind(string path, bool followLinks)
    {
        var buffer = new byte[StatxSize];
        int result;
        try
        {
            result = statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType, buffer);
        }
        catch (EntryPointNotFoundException)
        {
            return null; // a C library without statx (glibc before 2.28)
        }

        if (result != 0)
        {
            return Marshal.GetLastPInvokeError() is ENOENT or ENOTDIR ? FileKind.Missing : null;
        }

        return (MemoryMarshal.Read<ushort>(buffer.AsSpan(ModeOffset)) & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            _ => FileKind.Special,
        };
    }

    // Elsewhere .NET is all there is: it cannot see FIFOs and devices.
    private static FileKind PortableKind(string path, bool followLinks)
    {
        var info = new FileInfo(path);
        if (!followLinks && info.LinkTarget is not null)
        {
            return FileKind.SymbolicLink;
        }

        if (info.Exists)
        {
            return FileKind.Regular;
        }

        return Directory.Exists(path) ? FileKind.Directory : FileKind.Missing;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
}
