/* A test plugin, served as /static/site.js by ClientEventSpecs: records the input, message, log,
 * spinner and user-list events the page fires; cancels clicks on a message whose text is
 * "no reply", and rewrites what a copy puts in the clipboard. */
Instant.loadPlugin('ui-event-recorder', {
  main: function () {
    window.uiEvents = [];
    ['input.update', 'input.nickEdit', 'input.paste', 'message.click', 'message.copy', 'logs.new',
      'spinner.visibility', 'userList.update'].forEach(function (type) {
      Instant.listen(type, function (event) {
        var d = event.data;
        var text = d.message && d.message.querySelector ? d.message.querySelector(':scope > .line > .content').textContent : null;
        window.uiEvents.push({
          type: event.type,
          text: typeof d.text === 'string' ? d.text : text,
          nick: typeof d.nick === 'string' ? d.nick : null,
          visible: typeof d.visible === 'boolean' ? d.visible : null,
          count: typeof d.count === 'number' ? d.count : null,
          posts: d.data && Array.isArray(d.data.data) ? d.data.data.length : null,
          cancelable: event.cancelable
        });
        if (type === 'message.click' && text === 'no reply') event.cancel();
        if (type === 'message.copy') { d.text = 'copied: ' + d.text.split('\n').length + ' lines'; d.html = '<p>rewritten</p>'; }
      });
    });
    return { recording: true };
  }
});
