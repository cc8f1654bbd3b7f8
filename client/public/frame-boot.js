/*
 * The bootstrap of the sandboxed output frame (frame.html), run before any output markup.
 *
 * Outputs are untrusted (model-written code, prompt-injected data). The frame already runs in an
 * opaque origin (sandbox="allow-scripts", never allow-same-origin) under a CSP that refuses every
 * fetch, connection, worker and nested frame URL. What CSP cannot govern is closed here, once per
 * realm, in ways output scripts cannot undo (non-configurable, non-writable properties):
 *
 * 1. Network APIs outside CSP: every WebRTC interface (a forged SDP answer makes Chromium send
 *    STUN packets with data in the ICE username to any UDP port), and, although CSP already
 *    blocks them, WebTransport, WebSocket, EventSource, fetchLater, sendBeacon, Presentation.
 * 2. Fresh globals: a nested document (srcdoc, javascript:, a frame made by script) would bring
 *    a pristine RTCPeerConnection. So no frame element (iframe, frame, object, embed,
 *    fencedframe, portal) can exist in this realm: every HTML or XML string that reaches a parser
 *    passes Trusted Types' default policy (the browser's own complete list of such sinks, from
 *    innerHTML to DOMParser and execCommand), which renames those tags so they parse as inert
 *    unknown elements; the element factories (createElement, createElementNS, createDocument,
 *    customized built-ins) do the same; XSLT (which builds elements from computed names) is
 *    removed; document.write is refused to outputs, because a tag split across two writes would
 *    pass any per-call check. Without Trusted Types, outputs render with scripts off.
 *
 * Everything below uses intrinsics captured first: outputs may replace String.prototype.indexOf
 * and friends, but not the copies held here. If any step fails, the frame shows nothing.
 */
(function boot() {
  'use strict';
  var apply = Reflect.apply;
  var defineProperty = Object.defineProperty;
  var getOwnPropertyNames = Object.getOwnPropertyNames;
  var getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  var indexOf = String.prototype.indexOf;
  var lastIndexOf = String.prototype.lastIndexOf;
  var charCodeAt = String.prototype.charCodeAt;
  var slice = String.prototype.slice;
  var fromCharCode = String.fromCharCode;
  var documentOpen = Document.prototype.open;
  var documentWrite = Document.prototype.write;
  var documentClose = Document.prototype.close;
  var addListener = EventTarget.prototype.addEventListener;
  var parentWindow = window.parent;
  var trusted = window.trustedTypes;

  var RENDER = 'talkbook:render';
  var READY = 'talkbook:frame-ready';
  var HEIGHT = 'talkbook:frame-height';
  var REFUSED = 'talkbook-refused-';
  var FRAME_TAGS = Object.freeze(Object.setPrototypeOf({ iframe: 1, frame: 1, object: 1, embed: 1, fencedframe: 1, portal: 1, '!entity': 1 }, null));

  var lockedDown = true;

  function seal(object, name, value) {
    try {
      defineProperty(object, name, { value: value, writable: false, configurable: false, enumerable: false });
    } catch (error) {
      lockedDown = false;
    }
    var descriptor = getOwnPropertyDescriptor(object, name);
    if (!descriptor || descriptor.value !== value || descriptor.configurable || descriptor.writable) lockedDown = false;
  }

  function startsWith(text, prefix) {
    return apply(indexOf, text, [prefix]) === 0;
  }

  // --- 1. Network APIs that CSP does not (or not everywhere) govern --------------------------
  var globals = getOwnPropertyNames(window);
  for (var g = 0; g < globals.length; g++) {
    var name = globals[g];
    if (
      startsWith(name, 'RTC') || startsWith(name, 'webkitRTC') || startsWith(name, 'WebTransport') ||
      startsWith(name, 'WebSocket') || startsWith(name, 'Presentation') ||
      name === 'EventSource' || name === 'fetchLater' || name === 'XSLTProcessor'
    ) {
      seal(window, name, undefined);
    }
  }
  var navigatorProto = Object.getPrototypeOf(navigator);
  seal(navigatorProto, 'sendBeacon', undefined);
  if ('presentation' in navigatorProto) seal(navigatorProto, 'presentation', undefined);

  // --- 2. No frame element in this realm ----------------------------------------------------
  function lowerAscii(text, from, to) {
    var out = '';
    for (var i = from; i < to; i++) {
      var code = apply(charCodeAt, text, [i]);
      out += code >= 65 && code <= 90 ? fromCharCode(code + 32) : apply(slice, text, [i, i + 1]);
    }
    return out;
  }

  /**
   * Renames every tag that could make a frame: "<iframe" becomes "<talkbook-refused-iframe",
   * "<h:iframe" becomes "<h:talkbook-refused-iframe", "<!ENTITY" (XML entities could expand
   * into such a tag) becomes "<talkbook-refused-!ENTITY". A tag name is what follows "<" up to
   * whitespace, "/" or ">" (HTML and XML tokenizers alike; character references never apply to
   * names), so every context (a fragment, a document, an SVG island, an XML document) is covered.
   * Text that merely contains "<iframe " is renamed too, which is harmless.
   */
  function neutralize(markup) {
    var text = '' + markup;
    var out = '';
    var copied = 0;
    var at = apply(indexOf, text, ['<']);
    while (at !== -1) {
      var end = at + 1;
      while (end < text.length) {
        var code = apply(charCodeAt, text, [end]);
        if (code === 9 || code === 10 || code === 12 || code === 13 || code === 32 || code === 47 || code === 62 || code === 60) break;
        end++;
      }
      var colon = apply(lastIndexOf, apply(slice, text, [at + 1, end]), [':']);
      var local = colon === -1 ? at + 1 : at + 2 + colon;
      if (FRAME_TAGS[lowerAscii(text, local, end)] === 1) {
        out += apply(slice, text, [copied, local]) + REFUSED;
        copied = local;
      }
      at = apply(indexOf, text, ['<', at + 1]);
    }
    return out + apply(slice, text, [copied]);
  }

  function refusedName(tagName) {
    var text = '' + tagName;
    var colon = apply(lastIndexOf, text, [':']);
    var local = colon + 1;
    return FRAME_TAGS[lowerAscii(text, local, text.length)] === 1 ? apply(slice, text, [0, local]) + REFUSED + apply(slice, text, [local]) : text;
  }

  function wrapMethod(proto, method, wrap) {
    var original = proto[method];
    if (typeof original !== 'function') return;
    seal(proto, method, wrap(original));
  }

  wrapMethod(Document.prototype, 'createElement', function (original) {
    return function createElement(tagName, options) {
      return apply(original, this, arguments.length > 1 ? [refusedName(tagName), options] : [refusedName(tagName)]);
    };
  });
  wrapMethod(Document.prototype, 'createElementNS', function (original) {
    return function createElementNS(namespace, qualifiedName, options) {
      return apply(original, this, arguments.length > 2 ? [namespace, refusedName(qualifiedName), options] : [namespace, refusedName(qualifiedName)]);
    };
  });
  wrapMethod(DOMImplementation.prototype, 'createDocument', function (original) {
    return function createDocument(namespace, qualifiedName, doctype) {
      var args = [];
      for (var i = 0; i < arguments.length; i++) args[i] = arguments[i];
      if (args.length > 1 && args[1] !== null && args[1] !== undefined) args[1] = refusedName(args[1]);
      return apply(original, this, args);
    };
  });
  wrapMethod(CustomElementRegistry.prototype, 'define', function (original) {
    return function define(name, constructor, options) {
      var extendsName = options && options.extends;
      if (extendsName !== undefined && extendsName !== null) extendsName = '' + extendsName;
      if (typeof extendsName === 'string' && refusedName(extendsName) !== extendsName) {
        throw new DOMException('Outputs cannot define frame elements.', 'NotSupportedError');
      }
      return apply(original, this, extendsName === undefined || extendsName === null ? [name, constructor] : [name, constructor, { extends: extendsName }]);
    };
  });
  // The Sanitizer API's safe methods are not Trusted Types sinks: they get the same renaming.
  var htmlMethods = [[Element.prototype, 'setHTML'], [window.ShadowRoot && ShadowRoot.prototype, 'setHTML'], [Document, 'parseHTML']];
  for (var h = 0; h < htmlMethods.length; h++) {
    if (!htmlMethods[h][0]) continue;
    wrapMethod(htmlMethods[h][0], htmlMethods[h][1], function (original) {
      return function (html, options) {
        return apply(original, this, arguments.length > 1 ? [neutralize(html), options] : [neutralize(html)]);
      };
    });
  }
  // Belt and braces: nothing may reach into a nested document, were one ever made.
  var frameClasses = ['HTMLIFrameElement', 'HTMLFrameElement', 'HTMLObjectElement', 'HTMLEmbedElement'];
  for (var f = 0; f < frameClasses.length; f++) {
    var frameClass = window[frameClasses[f]];
    if (!frameClass) continue;
    var members = ['contentWindow', 'contentDocument'];
    for (var m = 0; m < members.length; m++) {
      if (!getOwnPropertyDescriptor(frameClass.prototype, members[m])) continue;
      try {
        defineProperty(frameClass.prototype, members[m], { get: function () { return null; }, configurable: false, enumerable: true });
      } catch (error) {
        lockedDown = false;
      }
    }
    if (typeof frameClass.prototype.getSVGDocument === 'function') seal(frameClass.prototype, 'getSVGDocument', function () { return null; });
  }

  var ownPolicy;
  if (trusted && typeof trusted.createPolicy === 'function') {
    try {
      trusted.createPolicy('default', {
        createHTML: function (html, type, sink) {
          // document.write streams: a tag split over two calls would pass any per-call check.
          if (sink === 'Document write' || sink === 'Document writeln') return null;
          return neutralize(html);
        },
        createScript: function (script, type, sink) {
          // javascript: URLs may replace the document (and its globals) with their result.
          if (typeof sink === 'string' && apply(indexOf, sink, ['href']) !== -1) return null;
          return script;
        },
        createScriptURL: function (url) {
          return url;
        },
      });
      ownPolicy = trusted.createPolicy('talkbook-frame', { createHTML: neutralize });
    } catch (error) {
      lockedDown = false;
    }
  }
  // The policy guards the parsers only where the CSP enforces Trusted Types (frame.html's
  // header does): check that it does, on an inert template.
  var probe = document.createElement('template');
  try {
    probe.innerHTML = '<iframe></iframe>';
  } catch (error) {
    lockedDown = false;
  }
  if (!probe.content.firstChild || probe.content.firstChild.localName === 'iframe') ownPolicy = undefined;

  // --- 3. Rendering and sizing --------------------------------------------------------------
  var STYLE =
    ':root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--line:#d8dee4;--stripe:#f6f8fa;--hover:#eef2ff}' +
    '@media (prefers-color-scheme:dark){:root{--fg:#e3e6eb;--muted:#9aa3ae;--line:#2b313a;--stripe:#1a1f27;--hover:#1d2040}}' +
    'html{background:transparent;overflow-y:hidden}' +
    'body{margin:0;padding:2px 0;color:var(--fg);background:transparent;font:13px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}' +
    'img,svg,video,canvas{max-width:100%;height:auto}' +
    'table{border-collapse:collapse;border-spacing:0;font-variant-numeric:tabular-nums}' +
    'table.dataframe{border:none;font-size:12.5px}' +
    '.dataframe th,.dataframe td{padding:5px 10px;border:none;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}' +
    '.dataframe thead th{font-weight:600;border-bottom:1.5px solid var(--muted);vertical-align:bottom}' +
    '.dataframe tbody th{font-weight:600}' +
    '.dataframe tbody tr:nth-child(odd){background:var(--stripe)}' +
    '.dataframe tbody tr:hover{background:var(--hover)}' +
    'a{color:#6366f1}';
  // Without Trusted Types nothing guards the HTML parsers: outputs then render without scripts.
  var HEAD =
    '<!doctype html><html><head><meta charset="utf-8">' +
    '<meta http-equiv="x-dns-prefetch-control" content="off">' +
    (ownPolicy ? '' : '<meta http-equiv="Content-Security-Policy" content="script-src \'none\'">') +
    '<base target="_blank"><style>' + STYLE + '</style></head><body>';

  var last = -1;
  function measure() {
    var root = document.documentElement;
    if (!root) return;
    var scrollbar = Math.max(0, window.innerHeight - root.clientHeight);
    var height = Math.ceil(root.getBoundingClientRect().height + scrollbar);
    if (height !== last) {
      last = height;
      parentWindow.postMessage({ type: HEIGHT, height: height }, '*');
    }
  }
  function watch() {
    var observer = new ResizeObserver(measure);
    if (document.documentElement) observer.observe(document.documentElement);
    if (document.body) observer.observe(document.body);
    measure();
  }
  function onMessage(event) {
    if (event.source !== parentWindow || !event.data || event.data.type !== RENDER) return;
    if (typeof event.data.markup !== 'string') return;
    render(event.data.markup);
  }
  function listen() {
    apply(addListener, window, ['message', onMessage]);
    apply(addListener, window, ['load', function () { last = -1; measure(); }]);
  }
  function render(markup) {
    var body = lockedDown ? markup : '<p>This output cannot be shown safely in this browser.</p>';
    var page = HEAD + body + '</body></html>';
    // Replace this document with the output. It stays in this realm (and under this lockdown);
    // opening the document drops every listener, so ours are added again.
    apply(documentOpen, document, []);
    listen();
    apply(documentWrite, document, [ownPolicy ? ownPolicy.createHTML(page) : neutralize(page)]);
    apply(documentClose, document, []);
    last = -1;
    watch();
  }

  listen();
  if (document.readyState === 'loading') apply(addListener, document, ['DOMContentLoaded', watch]);
  else watch();
  parentWindow.postMessage({ type: READY }, '*');
})();
