/* The screening assistant's web chat: rasa-webchat 1.0.1 (loaded before this file)
 * with the options the assistant needs, and what the widget cannot be configured to do
 * for WCAG 2.1 AA. The widget is used as it is (no fork): this file only sets
 * attributes on its elements, listens to keys and adds a live region.
 *
 *   ScreeningChat.start({ socketUrl, language, title, subtitle, launcherText, inputHint, colours })
 *
 * language: "en" or "es" (default "en"): the language the conversation starts in
 * (sent as customData.language with the first message); the person can still switch.
 *
 * The site's settings are the object given to start() in the page (web/index.html
 * shows it); everything else is here. What it adds to the widget:
 * - names for the icon-only buttons (launcher, close, send) and for the text box;
 * - quick replies usable with the keyboard (Tab or Shift+Tab to one, Enter or Space
 *   chooses it), after which the focus goes back to the text box;
 * - the message list reachable with the keyboard, so that it can be scrolled;
 * - a live region that reads each new bot message once (not the person's own);
 * - the launcher's text next to it, and focus back on it when the chat is closed;
 * - a shorter typing delay (messageDelay): rasa-webchat waits 30 ms a character,
 *   up to 3 s, before each message, which made a long answer take half a minute.
 * screening-chat.css draws the focus outline and the launcher's text.
 */
(function () {
  "use strict";

  // Typing delay before each bot message, in ms (bench/webchat_pace.py measures it).
  var DELAY_MS = { base: 250, perCharacter: 2, max: 800 };
  var WIDGET = {
    list: "#rw-messages",
    botMessage: "#rw-messages .rw-from-response .rw-response",
    reply: ".rw-reply",
    input: ".rw-new-message",
    launcher: ".rw-launcher",
    close: ".rw-close-button"
  };
  // The widget's own words, for screen readers, in the page's language.
  var WORDS = {
    en: { close: "Close the chat", send: "Send", input: "Your message", list: "Conversation",
          connecting: "Connecting...", hello: "hi" },
    es: { close: "Cerrar el chat", send: "Enviar", input: "Su mensaje", list: "Conversación",
          connecting: "Conectando...", hello: "hola" }
  };
  var KEEP_ANNOUNCED = 5;

  function messageDelay(text) {
    return Math.min(DELAY_MS.max, DELAY_MS.base + DELAY_MS.perCharacter * text.length);
  }

  function languageOf(site) {
    return WORDS.hasOwnProperty(site.language) ? site.language : "en";
  }

  function wordsFor(site) {
    return WORDS[languageOf(site)];
  }

  function widgetOptions(site) {
    var colours = site.colours;
    return {
      selector: "#webchat",
      socketUrl: site.socketUrl,
      socketPath: "/socket.io/",
      initPayload: wordsFor(site).hello,
      customData: { language: languageOf(site) },
      // Kept for this browser tab only: a reload keeps the conversation, closing the tab ends it.
      params: { storage: "session" },
      title: site.title,
      subtitle: site.subtitle,
      inputTextFieldHint: site.inputHint,
      mainColor: colours.main,
      userBackgroundColor: colours.userBubble,
      userTextColor: colours.userText,
      assistBackgoundColor: colours.botBubble,  // sic: the widget's spelling
      assistTextColor: colours.botText,
      customMessageDelay: messageDelay,
      showMessageDate: false,
      hideWhenNotConnected: false,
      connectingText: wordsFor(site).connecting
    };
  }

  function setAttributes(element, attributes) {
    if (!element) { return; }
    Object.keys(attributes).forEach(function (name) {
      if (element.getAttribute(name) !== attributes[name]) { element.setAttribute(name, attributes[name]); }
    });
  }

  function nameTheControls(root, site) {
    var words = wordsFor(site);
    var launcher = root.querySelector(WIDGET.launcher);
    if (launcher) {
      var open = root.querySelector(WIDGET.list) !== null;
      setAttributes(launcher, { "aria-label": open ? words.close : site.launcherText, "aria-expanded": String(open) });
      if (open) { launcher.removeAttribute("data-launcher-text"); } else { setAttributes(launcher, { "data-launcher-text": site.launcherText }); }
    }
    setAttributes(root.querySelector(WIDGET.close), { "aria-label": words.close });
    setAttributes(root.querySelector(".rw-send"), { "aria-label": words.send });
    setAttributes(root.querySelector(WIDGET.input), { "aria-label": words.input });
    setAttributes(root.querySelector(".rw-title"), { "aria-level": "2" });
    setAttributes(root.querySelector(WIDGET.list), { tabindex: "0", role: "region", "aria-label": words.list });
    Array.prototype.forEach.call(root.querySelectorAll("div" + WIDGET.reply), function (reply) {
      setAttributes(reply, { role: "button", tabindex: "0" });
    });
  }

  function focusSoon(root, selector) {
    setTimeout(function () {
      var element = root.querySelector(selector);
      if (element) { element.focus(); }
    }, 0);
  }

  // Enter or Space on a quick reply chooses it, as a click does; the replies then go
  // away, so the focus goes to the text box instead of being lost.
  function handleKeys(root) {
    root.addEventListener("keydown", function (event) {
      var reply = event.target.closest && event.target.closest("div" + WIDGET.reply);
      if (reply && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        reply.click();
        focusSoon(root, WIDGET.input);
      }
    });
    root.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest(WIDGET.close)) { focusSoon(root, WIDGET.launcher); }
    });
  }

  function liveRegion(root) {
    var region = document.createElement("div");
    region.className = "screening-chat-announcer";
    // lang: outside the widget's element, it would be read in the page's language.
    setAttributes(region, { "aria-live": "polite", "aria-relevant": "additions", lang: root.getAttribute("lang") });
    // Beside the widget, not inside: React owns what is inside the widget's element.
    root.parentNode.insertBefore(region, root.nextSibling);
    return region;
  }

  // Reads new bot messages once. Messages already there when the list appears (a
  // reload, or the chat opened again) are not read again.
  function announcer(root) {
    var region = liveRegion(root);
    var known = null;
    return function announceNew() {
      if (!root.querySelector(WIDGET.list)) { return; }
      var messages = root.querySelectorAll(WIDGET.botMessage);
      if (known === null || messages.length < known) { known = messages.length; return; }
      for (var i = known; i < messages.length; i++) {
        var line = document.createElement("p");
        line.textContent = messages[i].textContent;
        region.appendChild(line);
      }
      known = messages.length;
      while (region.childNodes.length > KEEP_ANNOUNCED) { region.removeChild(region.firstChild); }
    };
  }

  function start(site) {
    var options = widgetOptions(site);
    var root = document.querySelector(options.selector);
    setAttributes(root, { role: "region", "aria-label": site.title, lang: languageOf(site) });
    root.style.setProperty("--screening-chat-main", site.colours.main);
    window.WebChat.default(options, root);  // without root, it mounts in a div of its own
    var announceNew = announcer(root);
    var fix = function () { nameTheControls(root, site); announceNew(); };
    handleKeys(root);
    new MutationObserver(fix).observe(root, { childList: true, subtree: true });
    fix();
  }

  window.ScreeningChat = { start: start };
})();
