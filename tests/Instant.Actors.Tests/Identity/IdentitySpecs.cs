using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Instant.Actors.Identity;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using Instant.Protocol;

namespace Instant.Actors.Tests.Identity;

public class IdGeneratorSpecs
{
    [Fact]
    public void Ids_are_the_millisecond_time_shifted_by_ten_bits_plus_a_per_second_counter()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));
        var ids = new IdGenerator(time);

        long first = ids.Next();
        long second = ids.Next();
        time.Advance(TimeSpan.FromMilliseconds(5));
        long third = ids.Next();
        time.Advance(TimeSpan.FromSeconds(1));
        long fourth = ids.Next();

        Assert.Equal(1_700_000_000_123L << 10, first);
        Assert.Equal((1_700_000_000_123L << 10) + 1, second);
        Assert.Equal((1_700_000_000_128L << 10) + 2, third); // the counter runs on within the second
        Assert.Equal(1_700_000_001_128L << 10, fourth); // and restarts in a new one
        Assert.Equal(1_700_000_000_123L, IdFormat.TimestampOf(first));
    }

    [Fact]
    public void Ids_never_go_backwards_even_when_the_clock_does()
    {
        var time = new SteppingClock { Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_005_000) };
        var ids = new IdGenerator(time);
        long before = ids.Next();
        time.Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

        Assert.True(ids.Next() > before);
    }

    [Fact]
    public void Clustered_ids_carry_their_nodes_slot_and_never_collide_between_nodes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));
        var nodeA = new IdGenerator(time, clustered: true);
        var nodeB = new IdGenerator(time, clustered: true);
        nodeA.AssignSlot(3);
        nodeB.AssignSlot(17);

        var fromA = Enumerable.Range(0, 200).Select(_ => nodeA.Next()).ToList();
        var fromB = Enumerable.Range(0, 200).Select(_ => nodeB.Next()).ToList();

        Assert.All(fromA, id => Assert.Equal(3, IdGenerator.SlotOf(id)));
        Assert.All(fromB, id => Assert.Equal(17, IdGenerator.SlotOf(id)));
        Assert.Empty(fromA.Intersect(fromB));
        Assert.Equal(fromA.OrderBy(id => id), fromA);
        Assert.Equal(1_700_000_000_123L, IdFormat.TimestampOf(fromA[0])); // the time part is unchanged
        Assert.Equal(16, IdFormat.ToHex(fromB[^1]).Length);
    }

    [Fact]
    public void An_observed_id_from_another_node_keeps_later_ids_above_it_in_this_nodes_slot()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var ids = new IdGenerator(time, clustered: true);
        ids.AssignSlot(5);
        long ahead = (1_700_000_009_000L << 10) + 7; // made by a node whose clock ran ahead

        ids.Observe(ahead);
        long next = ids.Next();

        Assert.True(next > ahead);
        Assert.Equal(5, IdGenerator.SlotOf(next));
    }

    [Fact]
    public void A_single_process_generator_has_no_slot()
    {
        var ids = new IdGenerator(TimeProvider.System);
        Assert.Null(ids.Slot);
        Assert.Throws<InvalidOperationException>(() => ids.AssignSlot(1));
    }

    /// <summary>A clock that may be set backwards, which FakeTimeProvider refuses.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Ids_print_as_sixteen_upper_case_hex_digits_and_parse_back()
    {
        Assert.Equal("00063A1B2C3D4E5F", IdFormat.ToHex(0x63A1B2C3D4E5F));
        Assert.True(IdFormat.TryParse("00063a1b2c3d4e5f", out long id));
        Assert.Equal(0x63A1B2C3D4E5F, id);
        Assert.False(IdFormat.TryParse("63A1B2C3D4E5F", out _));
        Assert.False(IdFormat.TryParse("zzzzzzzzzzzzzzzz", out _));
        Assert.False(IdFormat.TryParse(null, out _));
    }
}

public class UuidFactorySpecs
{
    [Fact]
    public void A_uuid_is_version_1_with_the_ids_time_and_a_multicast_node()
    {
        var uuids = new UuidFactory([0x02, 0x11, 0x22, 0x33, 0x44, 0x55]);
        long id = (1_700_000_000_123L << 10) + 512;

        string uuid = uuids.FromId(id);

        // t = ms * 10000 + Gregorian offset + 512 * 10000 / 1024
        long t = (1_700_000_000_123L * 10000) + 0x01B21DD213814000 + 5000;
        string expected = $"{t & 0xFFFFFFFF:x8}-{(t >> 32) & 0xFFFF:x4}-{((t >> 48) & 0x0FFF) | 0x1000:x4}-8000-031122334455";
        Assert.Equal(expected, uuid);
        Assert.Equal(1, Guid.Parse(uuid).Version);
        Assert.True(UuidFactory.IsValid(uuid));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-uuid")]
    [InlineData("6adb4980e8a511f1800025482cfe0bea")]
    public void Only_canonical_uuids_are_valid(string? text) => Assert.False(UuidFactory.IsValid(text));
}

public class ConfigHashSpecs
{
    [Fact]
    public void The_hash_of_the_original_version_matches_the_originals()
        => Assert.Equal("D51X56Xw2PbJ3XLL1wr8uyOR7iATIFSAoTU+cVhkxbI", ConfigHash.Compute("1.5.6", null, []));

    [Fact]
    public void Revision_and_plugins_change_the_hash()
    {
        var plain = ConfigHash.Compute("1.6.0", null, []);

        Assert.NotEqual(plain, ConfigHash.Compute("1.6.0", "abc", []));
        Assert.NotEqual(plain, ConfigHash.Compute("1.6.0", null, [("p", new byte[32])]));
    }
}

public class CookieSpecs
{
    private static readonly byte[] Key = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();

    [Fact]
    public void A_signed_payload_verifies_and_keeps_other_keys()
    {
        var signer = new CookieSigner(Key);
        var value = signer.Sign(new JsonObject { ["uuid"] = "6adb4980-e8a5-11f1-8000-25482cfe0bea", ["x"] = 1 });

        var payload = signer.Verify(value);

        Assert.Equal("6adb4980-e8a5-11f1-8000-25482cfe0bea", IdentityCookie.UuidOf(payload));
        Assert.Equal(1, (int)payload!["x"]!);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a|b|c")]
    [InlineData("!!!|???")]
    public void Malformed_values_do_not_verify(string value) => Assert.Null(new CookieSigner(Key).Verify(value));

    [Fact]
    public void A_value_signed_under_another_key_or_altered_does_not_verify()
    {
        var value = new CookieSigner(Key).Sign(new JsonObject { ["uuid"] = "6adb4980-e8a5-11f1-8000-25482cfe0bea" });
        var otherKey = (byte[])Key.Clone();
        otherKey[0] ^= 1;

        Assert.Null(new CookieSigner(otherKey).Verify(value));
        Assert.Null(new CookieSigner(Key).Verify("A" + value));
    }

    [Fact]
    public void A_signed_value_that_is_not_an_object_does_not_verify()
    {
        byte[] json = "[1]"u8.ToArray();
        string value = Convert.ToBase64String(json) + "|" + Convert.ToBase64String(System.Security.Cryptography.HMACSHA1.HashData(Key, json));

        Assert.Null(new CookieSigner(Key).Verify(value));
    }

    [Fact]
    public void The_set_cookie_header_is_quoted_like_the_originals_and_reads_back()
    {
        var cookie = new IdentityCookie(new CookieSigner(Key), insecure: false);
        var payload = new JsonObject { ["uuid"] = "6adb4980-e8a5-11f1-8000-25482cfe0bea" };

        string header = cookie.SetCookieHeader(payload, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Matches("^uid=\"[^\"|]+\\|[^\"]+\\\\=\"; Path=/; HttpOnly; Expires=\\w{3}, \\d\\d \\w{3} 2028 00:00:00 GMT; Secure$", header);
        string sent = header[..header.IndexOf(';')];
        Assert.Equal("6adb4980-e8a5-11f1-8000-25482cfe0bea", IdentityCookie.UuidOf(cookie.Read("other=1; " + sent + "; z=\"q\"")));
    }

    [Fact]
    public void Insecure_cookies_have_no_secure_attribute()
        => Assert.DoesNotContain("Secure", new IdentityCookie(new CookieSigner(Key), insecure: true).SetCookieHeader(new JsonObject(), DateTimeOffset.UnixEpoch));

    [Fact]
    public void Unquoted_values_and_odd_headers_are_read()
    {
        Assert.Equal("abc=", IdentityCookie.FindCookie("a=1;uid=abc=", "uid"));
        Assert.Equal("x\"y", IdentityCookie.FindCookie("uid=\"x\\\"y\"", "uid"));
        Assert.Null(IdentityCookie.FindCookie("garbage", "uid"));
        Assert.Null(IdentityCookie.FindCookie(null, "uid"));
    }
}

public sealed class CookieKeyFileSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keyfile").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Create_writes_64_private_bytes_once_and_then_reuses_them()
    {
        string path = Path.Combine(_dir, "sub", "key.bin");

        var first = CookieKeyFile.Load(path, create: true);
        var second = CookieKeyFile.Load(path, create: true);

        Assert.Equal(64, first.Length);
        Assert.Equal(first, second);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(32)]
    [InlineData(65)]
    public void A_key_file_of_another_length_is_refused_and_never_replaced(int length)
    {
        string path = Path.Combine(_dir, "wrong.bin");
        var bytes = RandomNumberGenerator.GetBytes(length);
        File.WriteAllBytes(path, bytes);

        foreach (bool create in new[] { false, true })
        {
            var error = Assert.Throws<InvalidOperationException>(() => CookieKeyFile.Load(path, create));
            Assert.Contains($"{length} bytes", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void An_empty_key_file_is_filled_with_create_and_the_caller_told()
    {
        string path = Path.Combine(_dir, "empty.bin");
        File.WriteAllBytes(path, []);
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
        var notices = new List<string>();

        var key = CookieKeyFile.Load(path, create: true, notices.Add);

        Assert.Equal(key, File.ReadAllBytes(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Contains(path, Assert.Single(notices), StringComparison.Ordinal);
        Assert.Equal(key, CookieKeyFile.Load(path, create: true, notices.Add)); // kept, and nothing to tell
        Assert.Single(notices);
    }

    [Fact]
    public void What_is_not_a_regular_file_is_refused_without_being_opened()
    {
        Assert.Contains("not a regular file", Assert.Throws<InvalidOperationException>(() => CookieKeyFile.Load("/dev/zero", create: true)).Message, StringComparison.Ordinal);
        Assert.Contains("directory", Assert.Throws<InvalidOperationException>(() => CookieKeyFile.Load(_dir, create: true)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_or_empty_key_file_without_create_is_an_error()
    {
        string empty = Path.Combine(_dir, "empty.bin");
        File.WriteAllBytes(empty, []);

        Assert.Throws<InvalidOperationException>(() => CookieKeyFile.Load(Path.Combine(_dir, "none.bin"), create: false));
        Assert.Throws<InvalidOperationException>(() => CookieKeyFile.Load(empty, create: false));
    }
}
