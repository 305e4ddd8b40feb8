/* Instant.Actors browser client: the plugin and event API (docs/PLUGINS.md).
 * Loaded before the page's modules (static/client/), which fire the events; /static/site.js (after both)
 * holds the server's Instant.loadPlugin(...) calls. */
(function () {
  'use strict';

  var listeners = Object.create(null);
  var plugins = Object.create(null);
  var waiting = Object.create(null);

  /** An event as listeners get it: type, data, and cancel() where the event allows it. */
  function InstantEvent(type, data) {
    data = data || {};
    this.instant = window.Instant;
    this.type = type;
    this.data = data;
    this._cancel = data._cancel;
    this.cancelable = !!data._cancel;
    this.canceled = false;
  }
  InstantEvent.prototype.cancel = function () {
    if (!this._cancel || this.canceled) return false;
    this.canceled = true;
    if (typeof this._cancel === 'function') this._cancel();
    return true;
  };

  function listen(type, cb) {
    var list = listeners[type] || (listeners[type] = []);
    if (list.indexOf(cb) >= 0) return false;
    list.push(cb);
    return true;
  }

  function unlisten(type, cb) {
    var list = listeners[type];
    var at = list ? list.indexOf(cb) : -1;
    if (at < 0) return false;
    list.splice(at, 1);
    return true;
  }

  /** Calls the listeners of type, then those of '*'; a throwing listener is logged, not fatal. */
  function fire(type, data) {
    var own = listeners[type] || [], all = type === '*' ? [] : (listeners['*'] || []);
    if (own.length === 0 && all.length === 0) return { canceled: false };
    var event = new InstantEvent(type, data);
    own.concat(all).forEach(function (cb) {
      try { cb.call(window.Instant, event); } catch (e) { console.error('Instant: listener for ' + type + ' failed', e); }
    });
    return event;
  }

  function addElement(tag, attrs) {
    return new Promise(function (resolve, reject) {
      var node = document.createElement(tag);
      Object.keys(attrs).forEach(function (k) { node[k] = attrs[k]; });
      node.onload = function () { resolve(node); };
      node.onerror = function () { reject(new Error('cannot load ' + (attrs.src || attrs.href))); };
      (tag === 'link' ? document.head : document.body).appendChild(node);
    });
  }

  function runIsolated(url, self) {
    return fetch(url, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) throw new Error('cannot load ' + url + ': HTTP ' + response.status);
      return response.text();
    }).then(function (code) {
      if (!/\/\/[#@] source(Mapping)?URL=/.test(code.substring(0, 4096))) code = '//# sourceURL=' + url + '\n' + code;
      /* eslint-disable-next-line no-new-func */
      return new Function(code).call(self);
    });
  }

  function getPluginAsync(name) {
    if (plugins[name]) return Promise.resolve(plugins[name]);
    return new Promise(function (resolve) { (waiting[name] || (waiting[name] = [])).push(resolve); });
  }

  /**
   * Loads a plugin: options.deps (names loaded first), styles, scripts ({url, before, after,
   * isolate}), libs (plain scripts), code (isolated scripts) and main (run last, its result is
   * the plugin's data). Returns a Promise of the plugin object.
   */
  function loadPlugin(name, options) {
    options = options || {};
    var plugin = { name: name, data: undefined };
    var deps = Promise.all((options.deps || []).map(getPluginAsync));
    (options.styles || []).forEach(function (href) {
      addElement('link', { rel: 'stylesheet', href: href }).catch(function (e) { console.error('Instant: plugin ' + name, e); });
    });
    var scripts = (options.scripts || []).map(function (s) { return typeof s === 'string' ? { url: s } : s; })
      .concat((options.libs || []).map(function (url) { return { url: url }; }))
      .concat((options.code || []).map(function (url) { return { url: url, isolate: true }; }));
    var required = [deps];
    scripts.forEach(function (script) {
      var start = script.before && !script.isolate ? Promise.resolve() : deps;
      var done = start.then(function () {
        return script.isolate ? runIsolated(script.url, plugin) : addElement('script', { src: script.url, async: false });
      });
      if (!script.after || script.isolate) required.push(done);
      else done.catch(function (e) { console.error('Instant: plugin ' + name, e); });
    });
    return Promise.all(required).then(function () {
      return typeof options.main === 'function' ? options.main.call(plugin) : undefined;
    }).then(function (data) {
      plugin.data = data;
      plugins[name] = plugin;
      (waiting[name] || []).forEach(function (resolve) { resolve(plugin); });
      delete waiting[name];
      fire('plugins.loaded', { plugin: plugin });
      return plugin;
    }, function (error) {
      console.error('Instant: plugin ' + name + ' failed to load', error);
      throw error;
    });
  }

  var Instant = window.Instant || {};
  Instant.InstantEvent = InstantEvent;
  Instant.listen = listen;
  Instant.unlisten = unlisten;
  Instant.stopListening = unlisten;
  Instant._fireListeners = fire;
  Instant.loadPlugin = loadPlugin;
  Instant.plugins = {
    loadPlugin: loadPlugin,
    getPlugin: function (name) { return plugins[name] || null; },
    getPluginAsync: getPluginAsync,
    getPluginDataAsync: function (name) { return getPluginAsync(name).then(function (p) { return p.data; }); },
    getAllPlugins: function () { return Object.keys(plugins).map(function (k) { return plugins[k]; }); }
  };
  window.Instant = Instant;
})();
