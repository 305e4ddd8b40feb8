using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Instant.Web.Listening;

/// <summary>Linux's SO_REUSEPORT and its connection-steering filter, which .NET does not name.</summary>
public static class ReusePort
{
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;
    private const int SoReusePort = 15;
    private const int SoAttachReusePortCbpf = 51;

    public static bool Supported { get; } = OperatingSystem.IsLinux();

    public static void Enable(Socket socket) => socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));

    /// <summary>
    /// SO_REUSEADDR alone: on Linux .NET's <see cref="SocketOptionName.ReuseAddress"/> sets
    /// SO_REUSEPORT as well, which would let a second server share the port unasked.
    /// </summary>
    public static void SetReuseAddress(Socket socket, bool on)
    {
        if (Supported)
        {
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(on ? 1 : 0));
        }
        else
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, on);
        }
    }

    /// <summary>
    /// Attaches to the port's group of sockets a classic BPF program that returns 1: the kernel
    /// then hands each new connection to the group's socket at index 1, which is the one that
    /// joined after the first, and falls back to its usual hash when there is no such socket
    /// (once the predecessor has closed, the group has one socket again). The program belongs
    /// to the group, so a later successor replaces it with the same.
    /// </summary>
    public static void SteerToNewest(Socket socket)
    {
        // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }: BPF_RET|BPF_K (0x06), k = 1.
        var filter = new byte[8];
        MemoryMarshal.Write(filter, (ushort)0x06);
        MemoryMarshal.Write(filter.AsSpan(4), 1u);
        var pinned = GCHandle.Alloc(filter, GCHandleType.Pinned);
        try
        {
            // struct sock_fprog { u16 len; (padding) struct sock_filter *filter; }; the kernel copies the program.
            Span<byte> program = stackalloc byte[2 * IntPtr.Size];
            program.Clear();
            MemoryMarshal.Write(program, (ushort)1);
            MemoryMarshal.Write(program[IntPtr.Size..], pinned.AddrOfPinnedObject());

            socket.SetRawSocketOption(SolSocket, SoAttachReusePortCbpf, program);
        }
        finally
        {
            pinned.Free();
        }
    }
}
