// The review by keyboard: Enter/Tab next field, typing corrects, Alt+A takes the
// machine's suggestion, Esc skips the field, Ctrl+Enter accepts all and saves,
// Alt+N saves what was confirmed and goes to the next document. Nothing else.
(function () {
  "use strict";
  var form = document.getElementById("review");
  if (!form) { return; }
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name^='value_']"));

  function state(input, value) {
    var name = input.name.slice("value_".length);
    document.getElementById("state-" + name).value = value;
    input.closest(".field").setAttribute("data-state", value);
  }
  function next(input) {
    var i = inputs.indexOf(input);
    if (i + 1 < inputs.length) { inputs[i + 1].focus(); inputs[i + 1].select(); }
    else { document.getElementById("save").focus(); }
  }
  function submit(id) { form.requestSubmit(document.getElementById(id)); }

  inputs.forEach(function (input) {
    input.addEventListener("input", function () { state(input, "typed"); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit("accept-all"); }
      else if (e.key === "Enter") { e.preventDefault(); next(input); }
      else if (e.altKey && e.code === "KeyA") {
        e.preventDefault();
        input.value = input.getAttribute("data-suggestion");
        state(input, "accepted");
        next(input);
      } else if (e.key === "Escape") {
        e.preventDefault();
        input.value = input.getAttribute("data-suggestion");
        state(input, "skip");
        next(input);
      } else if (e.altKey && e.code === "KeyN") { e.preventDefault(); submit("save"); }
    });
  });
  document.addEventListener("keydown", function (e) {
    if (inputs.indexOf(document.activeElement) >= 0) { return; }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit("accept-all"); }
    else if (e.altKey && e.code === "KeyN") { e.preventDefault(); submit("save"); }
  });
  if (inputs.length) { inputs[0].focus(); inputs[0].select(); }
})();
