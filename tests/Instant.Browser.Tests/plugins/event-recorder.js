/* A test plugin, served as /static/site.js by PluginEventSpecs: records the storage and PM events
 * the page fires, and cancels any PM whose text is "blocked". */
Instant.loadPlugin('event-recorder', {
  main: function () {
    window.recordedEvents = [];
    ['storage.set', 'storage.del', 'storage.save', 'pm.write', 'pm.send', 'pm.read', 'pm.update'].forEach(function (type) {
      Instant.listen(type, function (event) {
        var d = event.data;
        window.recordedEvents.push({
          type: event.type,
          key: d.key === undefined ? null : String(d.key),
          value: d.value === undefined ? null : String(d.value),
          recipient: d.recipient || null,
          text: d.data ? d.data.text : null,
          popup: d.popup ? d.popup.className : null,
          outbox: typeof d.outbox === 'number' ? d.outbox : null
        });
        if (type === 'pm.send' && d.data.text === 'blocked') event.cancel();
      });
    });
    return { recording: true };
  }
});
