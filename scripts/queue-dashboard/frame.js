/*
 * Loaded before bull-board's scripts on the queue dashboard (scripts/queue-dashboard.ts):
 *  - times in the workbench's time zone (Europe/Paris) whatever the browser's: bull-board formats dates
 *    with date-fns, which reads the local calendar fields of Date; on this page only, those fields are the
 *    Paris ones;
 *  - names for bull-board's icon buttons (Redis details, full screen, settings, a queue's actions, copy), in the
 *    page's language.
 */
(function () {
  'use strict';
  var TIME_ZONE = 'Europe/Paris';
  var parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    weekday: 'short',
  });
  var WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  function paris(date) {
    var out = {};
    parts.formatToParts(date).forEach(function (p) {
      out[p.type] = p.value;
    });
    return out;
  }
  function field(name, read) {
    var utc = Date.prototype['getUTC' + name];
    Object.defineProperty(Date.prototype, 'get' + name, {
      configurable: true,
      writable: true,
      value: function () {
        var time = this.getTime();
        if (isNaN(time)) return NaN;
        return read(paris(this), utc.call(this));
      },
    });
  }
  field('FullYear', function (p) {
    return Number(p.year);
  });
  field('Month', function (p) {
    return Number(p.month) - 1;
  });
  field('Date', function (p) {
    return Number(p.day);
  });
  field('Day', function (p) {
    return WEEKDAYS.indexOf(p.weekday);
  });
  field('Hours', function (p) {
    return Number(p.hour);
  });
  field('Minutes', function (p) {
    return Number(p.minute);
  });
  field('Seconds', function (p) {
    return Number(p.second);
  });
  var utcOffset = Date.prototype.getTimezoneOffset;
  Object.defineProperty(Date.prototype, 'getTimezoneOffset', {
    configurable: true,
    writable: true,
    value: function () {
      var time = this.getTime();
      if (isNaN(time)) return utcOffset.call(this);
      var p = paris(this);
      var asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
      return Math.round((Math.floor(time / 1000) * 1000 - asUtc) / 60000);
    },
  });

  var english = document.documentElement.lang === 'en';
  var NAMES = [
    { path: 'M23.99314', name: english ? 'Redis details' : 'Informations Redis' },
    { path: 'M0 180V56', name: english ? 'Full screen' : 'Plein écran' },
    { path: 'M495.9 166.6', name: english ? 'Settings' : 'Réglages' },
  ];
  function nameButtons() {
    document.querySelectorAll('#root button').forEach(function (button) {
      if (button.hasAttribute('aria-label') || (button.textContent.replace(/\s+/g, '') && !button.querySelector('svg style'))) return;
      // A job's action buttons are icons inside a tooltip holder that names them (data-title).
      var titled = button.parentElement && button.parentElement.getAttribute('data-title');
      if (titled) {
        button.setAttribute('aria-label', titled);
        return;
      }
      var path = button.querySelector('svg path');
      var d = path ? path.getAttribute('d') || '' : '';
      var known = NAMES.filter(function (n) {
        return d.indexOf(n.path) === 0;
      })[0];
      if (known) {
        button.setAttribute('aria-label', known.name);
        // The icon is decoration of the named button (bull-board gives it role="img" without a text).
        button.querySelectorAll('svg').forEach(function (svg) {
          svg.setAttribute('aria-hidden', 'true');
        });
      } else if (button.getAttribute('aria-haspopup') === 'menu') button.setAttribute('aria-label', english ? 'Queue actions' : 'Actions de la file');
      else if (/(^|\s)copyBtn-/.test(button.className)) button.setAttribute('aria-label', english ? 'Copy to the clipboard' : 'Copier dans le presse-papiers');
    });
  }
  new MutationObserver(nameButtons).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener('DOMContentLoaded', nameButtons);
})();
