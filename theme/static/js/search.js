/* Site search on /<lang>/search/, with Pagefind's JavaScript API and the site's own markup.
   Pagefind's ready-made interface sets style attributes, which the Content Security Policy forbids.
   pagefind.js picks the index of the page's <html lang>, so results are in the page's language.
   Without JavaScript the page says so (<noscript>) and links to the sitemap. */
(function () {
  "use strict";

  var PAGE_SIZE = 10;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  /* An excerpt is HTML with <mark> around the words found: keep the text and the marks, nothing else. */
  function excerptNodes(html) {
    var parsed = new DOMParser().parseFromString("<body>" + (html || "") + "</body>", "text/html");
    var nodes = [];
    Array.prototype.forEach.call(parsed.body.childNodes, function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        nodes.push(mark);
      } else {
        nodes.push(document.createTextNode(node.textContent));
      }
    });
    return nodes;
  }

  function setUp(root) {
    var form = root.querySelector("form");
    var input = root.querySelector(".js-search-input");
    var status = root.querySelector(".js-search-status");
    var list = root.querySelector(".js-search-results");
    var more = root.querySelector(".js-search-more");
    var failure = root.querySelector(".js-search-failure");
    var messages = {
      searching: root.getAttribute("data-searching"),
      none: root.getAttribute("data-none"),
      one: root.getAttribute("data-one"),
      many: root.getAttribute("data-many")
    };
    var bundle = new URL(root.getAttribute("data-bundle"), document.baseURI);
    var loading = null;
    var current = 0; // the latest search: an older one that answers late is dropped
    var results = [];
    var shown = 0;

    /* The index of a language comes in shards (plugins/search): /pagefind/ holds the first,
       /pagefind/shard-2/ … the others, and shards.json says how many each language has. The
       others are merged into the first; Pagefind loads its WebAssembly once for them all. */
    function shardPaths(counts) {
      var language = (document.documentElement.lang || "unknown").toLowerCase();
      var count = counts[language] || 1;
      var folder = bundle.pathname.replace(/pagefind\.js$/, "");
      var paths = [];
      for (var number = 2; number <= count; number += 1) {
        paths.push(folder + "shard-" + number + "/");
      }
      return paths;
    }

    function load() {
      if (!loading) {
        var counts = fetch(new URL("shards.json", bundle).href).then(function (response) {
          if (!response.ok) {
            throw new Error("shards.json: HTTP " + response.status);
          }
          return response.json();
        });
        loading = Promise.all([import(bundle.href), counts]).then(function (loaded) {
          var pagefind = loaded[0];
          // result URLs from the site's root, also when the site lives below a path
          var baseUrl = bundle.pathname.replace(/pagefind\/pagefind\.js$/, "");
          return pagefind.options({ baseUrl: baseUrl }).then(function () {
            return pagefind.init();
          }).then(function () {
            return Promise.all(shardPaths(loaded[1]).map(function (path) {
              return pagefind.mergeIndex(path, { baseUrl: baseUrl });
            }));
          }).then(function () {
            return pagefind;
          });
        });
      }
      return loading;
    }

    function fail(error) {
      loading = null; // try again on the next search
      status.textContent = "";
      failure.hidden = false;
      if (window.console) {
        window.console.warn("Search is not available:", error);
      }
    }

    function resultItem(data) {
      var item = document.createElement("li");
      item.className = "sl-search__result";
      var heading = document.createElement("h2");
      heading.className = "sl-search__title";
      var link = document.createElement("a");
      link.href = data.url;
      link.textContent = (data.meta && data.meta.title) || data.url;
      heading.appendChild(link);
      item.appendChild(heading);
      if (data.excerpt) {
        var excerpt = document.createElement("p");
        excerpt.className = "sl-search__excerpt";
        excerptNodes(data.excerpt).forEach(function (node) {
          excerpt.appendChild(node);
        });
        item.appendChild(excerpt);
      }
      return item;
    }

    function showMore(ticket) {
      var next = results.slice(shown, shown + PAGE_SIZE);
      return Promise.all(next.map(function (result) { return result.data(); })).then(function (pages) {
        if (ticket !== current) {
          return null;
        }
        var first = null;
        pages.forEach(function (data) {
          var item = resultItem(data);
          first = first || item;
          list.appendChild(item);
        });
        shown += pages.length;
        more.hidden = shown >= results.length;
        return first;
      });
    }

    function search(query) {
      var ticket = ++current;
      results = [];
      shown = 0;
      list.textContent = "";
      more.hidden = true;
      failure.hidden = true;
      if (!query) {
        status.textContent = "";
        return;
      }
      status.textContent = messages.searching;
      load().then(function (pagefind) {
        return pagefind.search(query);
      }).then(function (found) {
        if (ticket !== current || !found) {
          return null;
        }
        results = found.results;
        return showMore(ticket).then(function () {
          if (ticket !== current) {
            return;
          }
          var count = results.length;
          var message = count === 0 ? messages.none : count === 1 ? messages.one : messages.many;
          status.textContent = fill(message, { count: count.toLocaleString(document.documentElement.lang), query: query });
        });
      }).catch(function (error) {
        if (ticket === current) {
          fail(error);
        }
      });
    }

    function queryOf(href) {
      return (new URL(href).searchParams.get("q") || "").trim();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = input.value.trim();
      var url = new URL(window.location.href);
      if (query) {
        url.searchParams.set("q", query);
      } else {
        url.searchParams.delete("q");
      }
      if (url.href !== window.location.href) {
        window.history.pushState(null, "", url.href);
      }
      search(query);
    });

    more.addEventListener("click", function () {
      var ticket = current;
      showMore(ticket).then(function (first) {
        var link = first && first.querySelector("a");
        if (link) {
          link.focus(); // keyboard and screen reader users go on from the first new result
        }
      }).catch(fail);
    });

    window.addEventListener("popstate", function () {
      input.value = queryOf(window.location.href);
      search(input.value);
    });

    // Load Pagefind while the first word is typed, not for every visit: it is ready by Enter.
    input.addEventListener("input", function () {
      load().catch(fail);
    }, { once: true });

    var initial = queryOf(window.location.href);
    input.value = initial;
    if (initial) {
      search(initial);
    }
  }

  function start() {
    var root = document.querySelector(".js-search");
    if (root) {
      setUp(root);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
