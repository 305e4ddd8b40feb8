using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Instant.Actors.Connections;
using Instant.Actors.Identity;
using Instant.Actors.Protocol;
using Instant.Plugins;
using Instant.Protocol;

namespace Instant.Web.Plugins;

/// <summary>
/// One connection as the plugins' message hooks see it. A hook that throws is logged and
/// skipped; the connection goes on.
/// </summary>
public sealed partial class PluginRuntime
{
    private sealed class PluginConnection(PluginRuntime runtime, string? room, ConnectionIdentity identity, IActorRef connection)
        : IConnectionHookState, IConnectionContext
    {
        private Dictionary<string, JsonNode?>? _identityFields;

        public string Id { get; } = IdFormat.ToHex(identity.Id);

        public string Uuid => identity.Uuid;

        public string? Room => room;

        public long Now => runtime._time.GetUtcNow().ToUnixTimeMilliseconds();

        public string NewId() => IdFormat.ToHex(runtime._ids!.Next());

        public void Send(JsonObject frame)
        {
            if (!frame.ContainsKey("timestamp"))
            {
                frame["timestamp"] = Now;
            }

            connection.Tell(new Deliver(JsonSerializer.SerializeToUtf8Bytes(frame)));
        }

        public void WriteIdentityFields(Utf8JsonWriter writer)
        {
            _identityFields ??= [];
            foreach (var (plugin, hook) in runtime._messageHooks)
            {
                Guard(plugin, "OnConnect", () => hook.OnConnect(this, _identityFields));
            }

            foreach (var (name, value) in _identityFields)
            {
                writer.WritePropertyName(name);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }
        }

        public bool OnFrame(ClientFrame frame)
        {
            if (runtime._messageHooks.Count == 0)
            {
                return false;
            }

            var message = new ClientMessage(frame.Type, frame.Seq, frame.To, frame.Data);
            foreach (var (plugin, hook) in runtime._messageHooks)
            {
                bool consumed = false;
                Guard(plugin, "OnMessage", () => consumed = hook.OnMessage(this, message));
                if (consumed)
                {
                    return true;
                }
            }

            return false;
        }

        public void OnDisconnect()
        {
            if (room is not null)
            {
                runtime._rooms.AddOrUpdate(room, 0, (_, n) => n - 1);
                runtime._rooms.TryRemove(new KeyValuePair<string, int>(room, 0));
            }

            foreach (var (plugin, hook) in runtime._messageHooks)
            {
                Guard(plugin, "OnDisconnect", () => hook.OnDisconnect(this));
            }
        }

        private void Guard(string plugin, string what, Action hook)
        {
            try
            {
                hook();
            }
            catch (Exception e)
            {
                PluginLog.HookFailed(runtime._log, e, plugin, what);
            }
        }
    }
}
