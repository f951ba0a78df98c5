/*
 * The web kit's login widget: plain script, no build step, no dependencies.
 *
 * It fills every element with a `data-idkollen-login` attribute. Attributes (each may also come
 * from the page's query string): data-base (where the kit's router is mounted; defaults to this
 * script's folder), data-provider and data-flow (start this one only), data-lang, data-context
 * (handed to the application's start hook). A <template data-idkollen-welcome> inside the
 * element replaces the "welcome" state; its [data-idkollen-message] gets the message. The
 * element also emits `idkollen:complete` (cancelable, detail {message, data}) and
 * `idkollen:failed` (detail {code, message}).
 *
 * Server text is only ever set as text, never parsed as HTML; the QR code is an <img> of the
 * SVG the server drew.
 */
(function () {
  'use strict';

  var scriptBase = (function () {
    var s = document.currentScript;
    if (!s || !s.src) return '';
    return new URL(s.src, location.href).pathname.replace(/\/login\.js$/, '');
  })();
  var counter = 0;

  function make(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }

  function show(node, on) { node.hidden = !on; }

  /* The page's URL without the session it came back with. */
  function pageUrl() {
    var u = new URL(location.href);
    u.searchParams.delete('idkollen');
    u.hash = '';
    return u.toString();
  }

  function Widget(root) {
    var query = new URL(location.href).searchParams;
    var opt = function (name) {
      return root.getAttribute('data-' + name) || query.get(name) || null;
    };
    this.root = root;
    this.base = (root.getAttribute('data-base') || scriptBase).replace(/\/$/, '');
    this.provider = opt('provider');
    this.flow = opt('flow') || 'auth';
    this.lang = opt('lang');
    this.context = opt('context');
    this.welcomeTemplate = root.querySelector('template[data-idkollen-welcome]');
    this.session = null;
    this.events = null;
    this.launched = false;
    this.build();
    var back = query.get('idkollen');
    if (back && /^[A-Za-z0-9_-]{22}$/.test(back)) {
      history.replaceState(null, '', pageUrl());
      this.resume(back);
    } else {
      this.choose();
    }
  }

  Widget.prototype.build = function () {
    var n = ++counter;
    var r = this.root;
    var ui = this.ui = {};
    ui.box = make('section', { 'class': 'idk', 'aria-labelledby': 'idk-title-' + n, 'data-idk': 'box' });
    ui.title = make('h2', { id: 'idk-title-' + n, 'data-idk': 'title' });
    ui.choices = make('div', { 'class': 'idk-choices', role: 'group', 'data-idk': 'choices' });
    ui.form = make('form', { 'class': 'idk-identity', 'data-idk': 'identity-form', novalidate: '' });
    ui.identityLabel = make('label', { 'for': 'idk-identity-' + n });
    ui.identity = make('input', { id: 'idk-identity-' + n, name: 'identity', autocomplete: 'off', 'data-idk': 'identity' });
    ui.submit = make('button', { type: 'submit', 'data-idk': 'submit' });
    ui.form.append(ui.identityLabel, ui.identity, ui.submit);
    ui.live = make('div', { 'class': 'idk-live', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
    ui.message = make('p', { 'class': 'idk-message', 'data-idk': 'message' });
    ui.live.append(ui.message);
    ui.qr = make('img', { 'class': 'idk-qr', 'data-idk': 'qr', width: '240', height: '240' });
    ui.binding = make('p', { 'class': 'idk-binding', 'data-idk': 'binding' });
    ui.actions = make('p', { 'class': 'idk-actions' });
    ui.launch = make('a', { 'class': 'idk-link', 'data-idk': 'launch', referrerpolicy: 'origin' });
    ui.next = make('a', { 'class': 'idk-link', 'data-idk': 'continue' });
    ui.cancel = make('button', { type: 'button', 'class': 'idk-secondary', 'data-idk': 'cancel' });
    ui.retry = make('button', { type: 'button', 'data-idk': 'retry' });
    ui.actions.append(ui.launch, ui.next, ui.cancel, ui.retry);
    ui.welcome = make('div', { 'class': 'idk-welcome', 'data-idk': 'welcome', tabindex: '-1' });
    ui.box.append(ui.title, ui.choices, ui.form, ui.live, ui.qr, ui.binding, ui.actions, ui.welcome);
    r.textContent = '';
    r.append(ui.box);

    var self = this;
    ui.launch.addEventListener('click', function () {
      self.launched = true;
      if (self.lastStatus) self.apply(self.lastStatus);
    });
    ui.cancel.addEventListener('click', function () { self.cancel(); });
    ui.retry.addEventListener('click', function () { self.choose(); });
    ui.form.addEventListener('submit', function (e) {
      e.preventDefault();
      var value = ui.identity.value.trim();
      if (value) self.start(self.pending.provider, self.pending.flow, value);
      else ui.identity.focus();
    });
  };

  Widget.prototype.setState = function (state) {
    var ui = this.ui;
    this.root.setAttribute('data-state', state);
    show(ui.choices, state === 'choose');
    show(ui.form, state === 'identity');
    show(ui.qr, state === 'pending' && !!ui.qr.getAttribute('src'));
    show(ui.binding, state === 'pending' && !!ui.binding.textContent);
    show(ui.launch, state === 'pending' && !!ui.launch.getAttribute('href'));
    show(ui.next, state === 'pending' && !!ui.next.getAttribute('href'));
    show(ui.cancel, state === 'pending' || state === 'identity');
    show(ui.retry, state === 'failed');
    show(ui.welcome, state === 'done');
    show(ui.live, state !== 'done');
  };

  Widget.prototype.say = function (text) {
    this.ui.message.textContent = text || '';
  };

  Widget.prototype.request = function (method, path, body) {
    var init = { method: method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(this.base + path, init).then(function (response) {
      if (response.status === 204) return null;
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) {
          var error = new Error(json.message || ('HTTP ' + response.status));
          error.code = json.error;
          throw error;
        }
        return json;
      });
    });
  };

  /* The choice of provider (or the one button of a page that names it). */
  Widget.prototype.choose = function () {
    var self = this;
    this.close();
    this.session = null;
    this.launched = false;
    this.ui.qr.removeAttribute('src');
    this.ui.launch.removeAttribute('href');
    this.ui.next.removeAttribute('href');
    this.ui.binding.textContent = '';
    this.say('');
    var path = '/setup' + (this.lang ? '?lang=' + encodeURIComponent(this.lang) : '');
    return this.request('GET', path).then(function (setup) {
      self.labels = setup.labels;
      self.ui.box.setAttribute('lang', setup.language);
      self.ui.title.textContent = setup.labels.title;
      self.ui.cancel.textContent = setup.labels.cancel;
      self.ui.retry.textContent = setup.labels.tryAgain;
      self.ui.choices.textContent = '';
      self.ui.choices.setAttribute('aria-label', setup.labels.choose);
      setup.providers.forEach(function (p) {
        p.flows.forEach(function (flow) {
          if (self.provider && (p.provider !== self.provider || flow !== self.flow)) return;
          var label = p.name;
          if (flow === 'sign') label += ' – ' + setup.labels.signTitle;
          if (flow === 'backchannel-auth') label += ' – ' + setup.labels.app;
          var button = make('button', { type: 'button', 'data-provider': p.provider, 'data-flow': flow }, label);
          button.addEventListener('click', function () { self.begin(p.provider, flow); });
          self.ui.choices.append(button);
        });
      });
      self.setState('choose');
    }).catch(function (error) { self.fail(error.message); });
  };

  Widget.prototype.begin = function (provider, flow) {
    if (flow !== 'backchannel-auth') return this.start(provider, flow, null);
    this.pending = { provider: provider, flow: flow };
    var labels = this.labels;
    this.ui.identityLabel.textContent = provider === 'vipps' ? labels.phone : labels.identity;
    this.ui.identity.setAttribute('inputmode', provider === 'vipps' ? 'tel' : 'numeric');
    this.ui.submit.textContent = labels.submit;
    this.setState('identity');
    this.ui.identity.focus();
  };

  Widget.prototype.start = function (provider, flow, identity) {
    var self = this;
    var body = {
      provider: provider,
      flow: flow,
      returnUrl: pageUrl(),
      touch: /Macintosh/.test(navigator.userAgent) && navigator.maxTouchPoints > 1
    };
    if (this.lang) body.language = this.lang;
    if (this.context) body.context = this.context;
    if (identity) body.identity = identity;
    this.ui.choices.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
    return this.request('POST', '/sessions', body).then(function (started) {
      try { sessionStorage.setItem('idkollen:' + started.id, JSON.stringify(started)); } catch (e) { /* private mode */ }
      self.show(started);
      if (started.launch && started.launch.autostart) {
        self.launched = true;
        self.ui.launch.click();
      }
      self.follow();
    }).catch(function (error) {
      self.fail(error.message);
    }).then(function () {
      self.ui.choices.querySelectorAll('button').forEach(function (b) { b.disabled = false; });
    });
  };

  /* The browser came back from a provider's page, or BankID's app: the same session. */
  Widget.prototype.resume = function (id) {
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem('idkollen:' + id)); } catch (e) { saved = null; }
    if (!saved) saved = { id: id, labels: null };
    saved.qr = null;
    saved.launch = null;
    saved.redirect = null;
    var self = this;
    var go = function () { self.show(saved); self.follow(); };
    if (saved.labels) return go();
    var path = '/setup' + (this.lang ? '?lang=' + encodeURIComponent(this.lang) : '');
    this.request('GET', path).then(function (setup) { saved.labels = setup.labels; go(); })
      .catch(function (error) { self.fail(error.message); });
  };

  Widget.prototype.show = function (started) {
    var ui = this.ui;
    var labels = this.labels = started.labels;
    this.session = started;
    ui.title.textContent = labels.title;
    ui.cancel.textContent = labels.cancel;
    ui.retry.textContent = labels.tryAgain;
    if (started.language) ui.box.setAttribute('lang', started.language);
    if (started.qr) {
      ui.qr.setAttribute('alt', labels.qrAlt);
      ui.qr.setAttribute('src', 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(started.qr));
    } else {
      ui.qr.removeAttribute('src');
    }
    if (started.launch) {
      ui.launch.setAttribute('href', started.launch.href);
      ui.launch.textContent = labels.openApp;
    } else {
      ui.launch.removeAttribute('href');
    }
    if (started.redirect) {
      ui.next.setAttribute('href', started.redirect);
      ui.next.textContent = labels.continueTo;
    } else {
      ui.next.removeAttribute('href');
    }
    ui.binding.textContent = '';
    if (started.bindingMessage) {
      ui.binding.append(labels.binding + ' ', make('strong', null, started.bindingMessage));
    }
    this.setState('pending');
    if (started.status) this.apply(started.status);
    var first = [ui.launch, ui.next, ui.cancel].filter(function (n) { return !n.hidden; })[0];
    if (first) first.focus();
  };

  Widget.prototype.follow = function () {
    var self = this;
    this.close();
    var source = this.events = new EventSource(this.base + '/sessions/' + this.session.id + '/events');
    source.addEventListener('status', function (e) { self.apply(JSON.parse(e.data)); });
    source.addEventListener('qr', function (e) {
      var frame = JSON.parse(e.data);
      self.ui.qr.setAttribute('src', 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(frame.svg));
      self.ui.qr.setAttribute('data-t', String(frame.t));
    });
    source.addEventListener('error', function () {
      /* The browser reconnects by itself; a stream the server refuses stays closed. */
      if (source.readyState === EventSource.CLOSED && self.root.getAttribute('data-state') === 'pending') {
        self.fail(self.labels ? self.labels.failed : '');
      }
    });
  };

  Widget.prototype.close = function () {
    if (this.events) this.events.close();
    this.events = null;
  };

  Widget.prototype.apply = function (status) {
    this.lastStatus = status;
    if (status.state === 'pending') {
      var mobile = this.session && this.session.mobile;
      this.say(this.launched || mobile ? status.message.app : status.message.qr);
      return;
    }
    this.close();
    if (status.state === 'done') return this.done(status);
    this.fail(status.message, status.code);
  };

  Widget.prototype.done = function (status) {
    var ok = this.root.dispatchEvent(new CustomEvent('idkollen:complete', {
      bubbles: true,
      cancelable: true,
      detail: { message: status.message, data: status.data || null }
    }));
    if (status.redirect) {
      location.assign(status.redirect);
      return;
    }
    var welcome = this.ui.welcome;
    welcome.textContent = '';
    if (ok) {
      if (this.welcomeTemplate) {
        var content = this.welcomeTemplate.content.cloneNode(true);
        var slot = content.querySelector('[data-idkollen-message]');
        if (slot) slot.textContent = status.message;
        welcome.append(content);
      } else {
        welcome.append(make('p', { 'data-idk': 'welcome-message' }, status.message));
      }
    }
    this.setState('done');
    welcome.focus();
  };

  Widget.prototype.fail = function (message, code) {
    this.close();
    this.say(message || (this.labels && this.labels.failed) || '');
    this.root.dispatchEvent(new CustomEvent('idkollen:failed', {
      bubbles: true,
      detail: { code: code || null, message: message || null }
    }));
    this.setState('failed');
    this.ui.retry.textContent = this.labels ? this.labels.tryAgain : 'Try again';
    this.ui.retry.focus();
  };

  Widget.prototype.cancel = function () {
    var self = this;
    if (!this.session) return this.choose();
    this.ui.cancel.disabled = true;
    this.request('DELETE', '/sessions/' + this.session.id).catch(function (error) {
      self.say(error.message);
    }).then(function () {
      self.ui.cancel.disabled = false;
    });
  };

  function init() {
    document.querySelectorAll('[data-idkollen-login]').forEach(function (root) {
      if (!root.idkollen) root.idkollen = new Widget(root);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
