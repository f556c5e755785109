// The page's behaviour: uploads with a progress bar per file, and the action forms, all through the JSON API.
// Plain JavaScript, no build step. Requests are same-origin with the page's cookie, so the API's CSRF rule
// (Sec-Fetch-Site: same-origin) lets them through; presigned PUTs go to the object store without credentials.
"use strict";

(function () {
  var FLASH_KEY = "storage-ui-flash";
  var SHARE_KEY = "storage-ui-share"; // a new share link's URL, shown once after the page reloads

  function status(message, isError) {
    var region = document.getElementById("status");
    if (!region) return;
    region.textContent = message;
    region.className = "status " + (isError ? "error" : "ok");
    region.setAttribute("role", isError ? "alert" : "status");
  }

  function errorText(xhrOrBody, fallback) {
    var body = xhrOrBody;
    if (xhrOrBody && typeof xhrOrBody.responseText === "string") {
      try { body = JSON.parse(xhrOrBody.responseText); } catch (e) { body = null; }
    }
    if (body && body.detail) return body.detail + (body.message ? " (" + body.message + ")" : "");
    return fallback;
  }

  // One XMLHttpRequest (fetch reports no upload progress); resolves with the parsed JSON answer. An upload `row`
  // hears the upload's progress and holds the request, so that its Cancel button can abort it.
  function send(method, url, body, headers, row, withCredentials) {
    return new Promise(function (resolve, reject) {
      if (row && row.cancelled) {
        reject(new Error("cancelled"));
        return;
      }
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.withCredentials = !!withCredentials;
      Object.keys(headers || {}).forEach(function (name) { xhr.setRequestHeader(name, headers[name]); });
      if (row) {
        row.request = xhr;
        xhr.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) row.progress(event.loaded, event.total);
        });
      }
      xhr.addEventListener("load", function () {
        if (xhr.status >= 200 && xhr.status < 300) {
          var answer = null;
          try { answer = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (e) { answer = null; }
          resolve(answer);
        } else {
          reject(new Error(errorText(xhr, "The server answered " + xhr.status + ".")));
        }
      });
      xhr.addEventListener("error", function () { reject(new Error("The connection failed.")); });
      xhr.addEventListener("abort", function () { reject(new Error("cancelled")); });
      xhr.send(body);
    });
  }

  function json(method, url, payload, row) {
    return send(method, url, JSON.stringify(payload || {}), { "Content-Type": "application/json" }, row, true);
  }

  // ------------------------------------------------------------------------------------------------ uploads

  function joinPath(folder, sub, name) {
    var parts = [folder, sub].join("/").split("/").filter(function (p) { return p.trim() !== ""; });
    parts.push(name);
    return parts.join("/");
  }

  function progressRow(list, file) {
    var item = document.createElement("li");
    var name = document.createElement("span");
    name.className = "name";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = file.size || 1;
    bar.value = 0;
    bar.setAttribute("aria-label", "Upload of " + file.name);
    var state = document.createElement("span");
    state.className = "state";
    state.textContent = "uploading";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.textContent = "Cancel";
    cancel.setAttribute("aria-label", "Cancel upload of " + file.name);
    item.append(name, bar, state, cancel);
    list.append(item);
    var row = {
      item: item,
      cancelled: false,
      request: null,
      progress: function (loaded, total) {
        bar.max = total || 1;
        bar.value = loaded;
        state.textContent = Math.floor((100 * loaded) / (total || 1)) + "%";
        document.dispatchEvent(new CustomEvent("upload-progress", {
          detail: { name: file.name, loaded: loaded, total: total }
        }));
      },
      done: function (message, ok) {
        if (ok) bar.value = bar.max;
        state.textContent = message;
        item.className = ok ? "ok" : "error";
        cancel.remove();
      }
    };
    cancel.addEventListener("click", function () {
      row.cancelled = true;
      if (row.request) row.request.abort();
    });
    return row;
  }

  function uploadProxy(form, path, file, row) {
    var data = new FormData();
    // The address fields first: the service reads the file part as a stream after them.
    data.append("bucket", form.dataset.bucket);
    data.append("id", form.dataset.id);
    data.append("path", path);
    data.append("file", file, file.name);
    return send("POST", "/upload/proxy", data, {}, row, true);
  }

  function uploadPresigned(form, path, file, row) {
    var type = file.type || "application/octet-stream";
    return json("POST", "/upload/presign", {
      bucket: form.dataset.bucket, id: form.dataset.id, path: path, content_type: type, size: file.size
    }).then(function (grant) {
      // A cancelled presigned upload is never confirmed: nothing becomes visible, gc removes the object.
      return send(grant.method || "PUT", grant.url, file, grant.headers || {}, row, false).then(function () {
        return json("POST", "/upload/confirm", { upload_id: grant.upload_id });
      });
    });
  }

  function uploadAll(form, files) {
    var list = document.getElementById("uploads");
    var threshold = Number(form.dataset.threshold);
    var sub = form.elements.subfolder.value;
    var jobs = Array.prototype.map.call(files, function (file) {
      var row = progressRow(list, file);
      var path = joinPath(form.dataset.folder, sub, file.name);
      var upload = file.size > threshold ? uploadPresigned : uploadProxy;
      return upload(form, path, file, row).then(
        function (answer) {
          var version = answer && answer.data ? answer.data.version_number : null;
          row.done(version ? "done (version " + version + ")" : "done", true);
          return true;
        },
        function (error) {
          row.done(row.cancelled ? "cancelled" : "failed: " + error.message, false);
          return row.cancelled;
        }
      );
    });
    status("Uploading " + jobs.length + " file(s)…", false);
    active += 1;
    return Promise.all(jobs).then(function (results) {
      active -= 1;
      var failed = results.filter(function (ok) { return !ok; }).length;
      status(failed ? failed + " of " + results.length + " upload(s) failed." : "Upload complete.", failed > 0);
      return refreshListing();
    });
  }

  // The folder's contents again, from the server-rendered page (no second template in JavaScript).
  function refreshListing() {
    return fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("listing");
        var current = document.getElementById("listing");
        if (fresh && current) current.replaceWith(document.importNode(fresh, true));
        localTimes();
        setUpThumbnails(document.getElementById("listing") || document);
      });
  }

  var active = 0; // batches of uploads in progress: leaving the page would cut them

  function setUpUploads() {
    var form = document.getElementById("upload-form");
    if (!form) return;
    window.addEventListener("beforeunload", function (event) {
      if (active > 0) event.preventDefault();
    });
    var input = document.getElementById("upload-input");
    var zone = document.getElementById("drop-zone");
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    input.addEventListener("change", function () {
      if (input.files.length) uploadAll(form, input.files).then(function () { input.value = ""; });
    });
    ["dragenter", "dragover"].forEach(function (type) {
      form.addEventListener(type, function (event) {
        event.preventDefault();
        zone.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      form.addEventListener(type, function () { zone.classList.remove("over"); });
    });
    form.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) uploadAll(form, event.dataTransfer.files);
    });
  }

  // ------------------------------------------------------------------------------------------------ actions

  // A form's JSON body: its data-body, then each named field (checkboxes as booleans, data-type="int" as numbers,
  // empty text left out so the API applies its default).
  function payload(form) {
    var body = JSON.parse(form.dataset.body || "{}");
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name) return;
      if (field.type === "checkbox") {
        body[field.name] = field.checked;
      } else if (field.value.trim() !== "") {
        body[field.name] = field.dataset.type === "int" ? Number(field.value) : field.value;
      }
    });
    return body;
  }

  // Where a form leads once done: its data-next, the page of the file the answer names (data-follow="file", after a
  // move), else this page again.
  function nextPage(form, answer) {
    var data = answer && answer.data;
    if (form.dataset.follow === "file" && data && data.logical_path) {
      var query = new URLSearchParams({ bucket: data.bucket_type, id: data.bucket_id, path: data.logical_path });
      return "/ui/file?" + query.toString();
    }
    return form.dataset.next || window.location.href;
  }

  // A thumbnail may be refused while the service makes others (429): try once more, then leave the name alone.
  function setUpThumbnails(root) {
    root.querySelectorAll("img.thumb, img.preview").forEach(function (image) {
      image.addEventListener("error", function retry() {
        if (image.dataset.retried) {
          image.hidden = true;
          return;
        }
        image.dataset.retried = "1";
        window.setTimeout(function () { image.src = image.src; }, 2000);
      });
    });
  }

  function setUpActions() {
    document.querySelectorAll("form[data-api], form.review").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var submitter = event.submitter;
        var url = (submitter && submitter.dataset.api) || form.dataset.api;
        if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
        var buttons = form.querySelectorAll("button");
        buttons.forEach(function (b) { b.disabled = true; });
        status("Working…", false);
        json(form.dataset.method || "POST", url, payload(form)).then(
          function (answer) {
            var done = (submitter && submitter.dataset.done) || form.dataset.done || (answer && answer.message);
            sessionStorage.setItem(FLASH_KEY, done || "Done.");
            if (form.dataset.keep === "url" && answer && answer.data) sessionStorage.setItem(SHARE_KEY, answer.data.url);
            window.location.assign(nextPage(form, answer));
          },
          function (error) {
            buttons.forEach(function (b) { b.disabled = false; });
            status(error.message, true);
          }
        );
      });
    });
  }

  // Timestamps come in UTC from the server; people read them in their own time zone (the UTC text stays as a title).
  function localTimes() {
    document.querySelectorAll("time[datetime]").forEach(function (element) {
      var when = new Date(element.getAttribute("datetime"));
      if (isNaN(when.getTime())) return;
      element.title = element.textContent;
      element.textContent = when.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
    });
  }

  function showFlash() {
    var message = sessionStorage.getItem(FLASH_KEY);
    if (message) {
      sessionStorage.removeItem(FLASH_KEY);
      status(message, false);
      // The outcome of what the person just did is the first thing read after the page comes back.
      var region = document.getElementById("status");
      region.tabIndex = -1;
      region.focus();
    }
  }

  function showNewShare() {
    var url = sessionStorage.getItem(SHARE_KEY);
    var box = document.getElementById("new-share");
    sessionStorage.removeItem(SHARE_KEY);
    if (!url || !box) return;
    var input = document.getElementById("new-share-url");
    input.value = url;
    box.hidden = false;
    input.focus();
    input.select();
    document.getElementById("copy-share").addEventListener("click", function () {
      input.select();
      // The Clipboard API needs a secure context (https or localhost); elsewhere the selected text is copied.
      var copied = navigator.clipboard ? navigator.clipboard.writeText(url) : Promise.resolve(document.execCommand("copy"));
      copied.then(
        function () { status("Link copied.", false); },
        function () { status("Copy the selected link with Ctrl+C.", true); }
      );
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showFlash();
    showNewShare();
    localTimes();
    setUpThumbnails(document);
    setUpUploads();
    setUpActions();
  });
})();
