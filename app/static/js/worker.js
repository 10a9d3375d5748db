/* For people who read slowly: a larger-type switch (remembered on this phone) and 朗读 with the browser's own
   speech synthesis, shown only where the browser has a Chinese voice. No other script on the page. */
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "tongbang-big-type";
  try { if (localStorage.getItem(KEY) === "1") { root.classList.add("big"); } } catch (e) { /* private mode */ }

  function syncToggle() {
    var button = document.getElementById("type-toggle");
    if (!button) { return; }
    var big = root.classList.contains("big");
    button.setAttribute("aria-pressed", big ? "true" : "false");
    button.textContent = big ? "标准字" : "大字";
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("#type-toggle");
    if (toggle) {
      root.classList.toggle("big");
      try { localStorage.setItem(KEY, root.classList.contains("big") ? "1" : "0"); } catch (e) { /* ignore */ }
      syncToggle();
      return;
    }
    var speak = event.target.closest("button.speak");
    if (speak && window.speechSynthesis) {
      var target = document.querySelector(speak.getAttribute("data-speak"));
      if (!target) { return; }
      window.speechSynthesis.cancel();
      var copy = target.cloneNode(true);
      Array.prototype.forEach.call(copy.querySelectorAll(".speak-row, form, script"), function (n) { n.remove(); });
      var utterance = new SpeechSynthesisUtterance(copy.textContent.replace(/\s+/g, " ").trim());
      utterance.lang = "zh-CN";
      utterance.rate = 0.9;
      var voice = chineseVoice();
      if (voice) { utterance.voice = voice; }
      window.speechSynthesis.speak(utterance);
    }
  });

  function chineseVoice() {
    if (!window.speechSynthesis) { return null; }
    var voices = window.speechSynthesis.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (/^(zh|cmn)/i.test(voices[i].lang || "")) { return voices[i]; }
    }
    return null;
  }

  function showSpeakButtons() {
    if (!chineseVoice()) { return; }
    Array.prototype.forEach.call(document.querySelectorAll(".speak-row"), function (row) { row.hidden = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    syncToggle();
    showSpeakButtons();
    if (window.speechSynthesis && "onvoiceschanged" in window.speechSynthesis) {
      window.speechSynthesis.addEventListener("voiceschanged", showSpeakButtons);
    }
  });
}());
/* A form marked class="confirm" asks first (撤回, 撤销录用); one with data-confirm-field asks only when that
   field has data-confirm-value (the employer's 进展 set to 录用). data-confirm is the question. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  var field = form.getAttribute && form.getAttribute("data-confirm-field");
  var ask = form.classList && form.classList.contains("confirm");
  if (field && form.elements[field]) {
    ask = form.elements[field].value === form.getAttribute("data-confirm-value");
  }
  if (ask && !window.confirm(form.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
