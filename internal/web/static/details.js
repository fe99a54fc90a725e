// Progressive enhancement of the submit and edit forms' details
// (templates/_submit_details.html): show only the details the chosen
// category has, and the upgrade day only for an upgraded case. Without
// this script every field stays visible with the forms it is for, and
// the server refuses a detail the category does not have.
(function () {
  "use strict";
  var box = document.querySelector("[data-details]");
  var category = document.getElementById("f-category");
  var premium = document.getElementById("f-premium");
  if (!box || !category) {
    return;
  }
  function update() {
    var code = category.value;
    var any = false;
    box.querySelectorAll("[data-categories]").forEach(function (field) {
      var applies = code !== "" && field.getAttribute("data-categories").split(" ").indexOf(code) >= 0;
      if (applies && field.hasAttribute("data-upgrade")) {
        applies = premium !== null && premium.value === "upgraded";
      }
      field.hidden = !applies;
      field.querySelectorAll(".optional").forEach(function (hint) { hint.hidden = true; });
      if (!applies) {
        // A hidden field sends nothing, so a category change cannot
        // leave a detail behind that the new category does not have.
        field.querySelectorAll("select, input").forEach(function (input) { input.value = ""; });
      } else if (!field.hasAttribute("data-upgrade")) {
        any = true;
      }
    });
    box.hidden = !any;
  }
  category.addEventListener("change", update);
  if (premium) {
    premium.addEventListener("change", update);
  }
  update();
}());
