/* Landing page: the room field goes to /room/NAME/ (a leading "&" is allowed). */
(function () {
  'use strict';
  var form = document.getElementById('room-form');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var name = form.elements.room.value.trim().replace(/^&/, '') || 'welcome';
    if (/^[a-zA-Z](?:[\w-]*[a-zA-Z0-9])?$/.test(name)) location.href = '/room/' + name + '/';
    else {
      form.elements.room.setCustomValidity('A room name is a letter, then letters, digits, _ or -');
      form.reportValidity();
    }
  });
  form.elements.room.addEventListener('input', function () { this.setCustomValidity(''); });
})();
