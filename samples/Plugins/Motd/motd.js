/* The motd plugin's code: run by Instant.loadPlugin with `this` the plugin object.
 * A banner above the messages with the server's message of the day; Alt+M in the
 * message box hides or shows it. */
var banner = document.createElement('div');
banner.id = 'motd-banner';
banner.className = 'motd-banner';
banner.setAttribute('role', 'status');
document.body.insertBefore(banner, document.body.firstChild);

fetch('/static/motd/motd.json', { credentials: 'same-origin' })
  .then(function (response) { return response.json(); })
  .then(function (motd) { banner.textContent = motd.text; });

Instant.listen('input.keydown', function (event) {
  var key = event.data.source;
  if (key.altKey && !key.ctrlKey && !key.metaKey && (key.key === 'm' || key.key === 'M' || key.code === 'KeyM')) {
    banner.hidden = !banner.hidden;
    event.cancel();
  }
});

this.banner = banner;
