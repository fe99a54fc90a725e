// Copy and Share buttons for the "manage my case" link on the page shown
// after submitting. Progressive enhancement: without this script the link
// is there to select and copy by hand; the buttons appear only when the
// browser can do what they say.
(function () {
  "use strict";
  var box = document.querySelector("[data-manage-actions]");
  if (!box) {
    return;
  }
  var status = box.querySelector("[data-copy-status]");
  var copy = box.querySelector("[data-copy-link]");
  var share = box.querySelector("[data-share-link]");
  var linkOf = function (button) {
    var a = document.getElementById(button.getAttribute(button === copy ? "data-copy-link" : "data-share-link"));
    return a ? a.href : "";
  };
  // text is the page's sentence (data-* of the box, in its language), or
  // the English given.
  var text = function (name, english) {
    return box.getAttribute("data-" + name) || english;
  };
  var say = function (text) {
    if (status) {
      status.textContent = text;
    }
  };
  var canCopy = !!(navigator.clipboard && navigator.clipboard.writeText);
  var canShare = typeof navigator.share === "function";
  if (copy) {
    copy.hidden = !canCopy;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(linkOf(copy)).then(function () {
        say(text("copied", "Link copied. Paste it somewhere only you can read."));
      }, function () {
        say(text("copy-failed", "Could not copy: select the link and copy it by hand."));
      });
    });
  }
  if (share) {
    share.hidden = !canShare;
    share.addEventListener("click", function () {
      navigator.share({ title: text("share-title", "Manage my case on CaseTrack"), url: linkOf(share) }).catch(function (err) {
        if (err && err.name !== "AbortError") {
          say(text("share-failed", "Could not share: copy the link instead."));
        }
      });
    });
  }
  box.hidden = !(canCopy || canShare);
})();
