/* Site search on /<lang>/search/, with Pagefind's JavaScript API and the site's own markup.
   Pagefind's ready-made interface sets style attributes, which the Content Security Policy forbids.
   The index (plugins/search): English is one index, Chinese another whose records are folded to
   Simplified, each Han character a word. A Chinese query is folded with the index's own table
   (fold.json) and its characters asked for as a phrase, so a page is found where the query's
   characters stand together. Each word of a query must be found (no near misses). A record keeps
   each language's title, address and text, and the excerpt is made here from the text of the
   page's own script. Without JavaScript the page says so (<noscript>) and links to the sitemap. */
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var HAN_AROUND = /([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])/g;
  var VARIANTS = "\u2e3b"; // what follows it in a record is for matching only
  var BEFORE = { zh: 24, en: 80 }; // characters of an excerpt before the first word found
  var LENGTH = { zh: 90, en: 240 };

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
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
    var code = root.getAttribute("data-lang"); // the site's language: en, tc, sc
    var foldUrl = root.getAttribute("data-fold"); // only on Chinese pages
    var filter = root.getAttribute("data-filter"); // on Traditional pages: the records that have one
    var script = foldUrl ? "zh" : "en";
    var bundle = new URL(root.getAttribute("data-bundle"), document.baseURI);
    var table = {};
    var loading = null;
    var current = 0; // the latest search: an older one that answers late is dropped
    var results = [];
    var terms = [];
    var shown = 0;

    function json(url) {
      return fetch(url).then(function (response) {
        if (!response.ok) {
          throw new Error(url + ": HTTP " + response.status);
        }
        return response.json();
      });
    }

    /* The index comes in shards: /pagefind/ holds the first, /pagefind/shard-2/ … the others, and
       shards.json says how many each index has (en, zh). Pagefind loads its WebAssembly once. */
    function shardPaths(counts) {
      var language = (document.documentElement.lang || "unknown").toLowerCase();
      var count = counts[language] || counts[language.split("-")[0]] || 1;
      var folder = bundle.pathname.replace(/pagefind\.js$/, "");
      var paths = [];
      for (var number = 2; number <= count; number += 1) {
        paths.push(folder + "shard-" + number + "/");
      }
      return paths;
    }

    function load() {
      if (!loading) {
        var data = [json(new URL("shards.json", bundle).href)];
        if (foldUrl) {
          data.push(json(new URL(foldUrl, document.baseURI).href));
        }
        loading = Promise.all([import(bundle.href)].concat(data)).then(function (loaded) {
          var pagefind = loaded[0];
          var pairs = loaded[2] || "";
          for (var at = 0; at + 1 < pairs.length; at += 2) {
            table[pairs[at]] = pairs[at + 1];
          }
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

    /* Folded for matching, one character for one: Traditional to Simplified, capitals to small. */
    function fold(text) {
      var out = "";
      for (var at = 0; at < text.length; at += 1) {
        var character = table[text[at]] || text[at];
        var small = character.toLowerCase();
        out += small.length === 1 ? small : character;
      }
      return out;
    }

    /* A word of the query as Pagefind is asked for it: the Han characters of a Chinese one apart,
       as the index holds them; quoted (a phrase) when asking which pages have it, since a phrase
       admits no near misses, and plain when asking how well each answers (Pagefind scores every
       page of a phrase search alike, so ranked by that alone the results came in index order). */
    function pagefindQuery(term, phrase) {
      var asked = (foldUrl ? term.replace(HAN_AROUND, " $1 ") : term).replace(/\s+/g, " ").trim();
      return phrase ? "\"" + asked + "\"" : asked;
    }

    /* Where the words of the query are in a text: [start, end) pairs, in order, none overlapping.
       A Chinese word is found as it is (folded); another from the start of a word to its end, so
       that "forum" marks "forums" whole, as Pagefind's stemming finds it. */
    function matches(text) {
      var folded = fold(text);
      var found = [];
      terms.forEach(function (term) {
        var han = HAN.test(term);
        var stem = han || term.length < 5 ? term : term.replace(/(ing|ed|es|s)$/, "");
        var from = 0;
        for (;;) {
          var at = folded.indexOf(stem, from);
          if (at < 0) {
            break;
          }
          from = at + 1;
          var end = at + stem.length;
          if (!han) {
            if (at > 0 && /[\p{L}\p{N}]/u.test(folded[at - 1]) && !HAN.test(folded[at - 1])) {
              continue; // inside a word
            }
            while (end < folded.length && /[\p{L}\p{N}]/u.test(folded[end]) && !HAN.test(folded[end])) {
              end += 1;
            }
          }
          found.push([at, end]);
        }
      });
      found.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
      var merged = [];
      found.forEach(function (range) {
        var last = merged[merged.length - 1];
        if (last && range[0] < last[1]) {
          last[1] = Math.max(last[1], range[1]);
        } else {
          merged.push(range.slice());
        }
      });
      return merged;
    }

    /* A part of the text around the first word found (the whole text: ``whole``), with <mark>
       around each word found. */
    function marked(text, whole) {
      var found = matches(text);
      var first = found.length ? found[0][0] : 0;
      var start = whole ? 0 : Math.max(0, first - BEFORE[script]);
      var end = whole ? text.length : Math.min(text.length, start + LENGTH[script]);
      if (script === "en") { // whole words
        if (start > 0) {
          start = text.indexOf(" ", start) + 1 || start;
        }
        if (end < text.length) {
          end = text.lastIndexOf(" ", end) > start ? text.lastIndexOf(" ", end) : end;
        }
      }
      var nodes = [];
      var at = start;
      if (start > 0) {
        nodes.push(document.createTextNode("…"));
      }
      found.forEach(function (range) {
        if (range[1] <= at || range[0] >= end) {
          return;
        }
        var from = Math.max(range[0], at);
        nodes.push(document.createTextNode(text.slice(at, from)));
        var mark = document.createElement("mark");
        mark.textContent = text.slice(from, Math.min(range[1], end));
        nodes.push(mark);
        at = Math.min(range[1], end);
      });
      nodes.push(document.createTextNode(text.slice(at, end) + (end < text.length ? "…" : "")));
      return nodes;
    }

    /* What a record shows on this page: the title, address and text of its page in this language. */
    function view(data) {
      var meta = data.meta || {};
      var converted = Object.prototype.hasOwnProperty.call(meta, "url_" + code);
      var title = converted ? meta["title_" + code] : meta.title;
      var text = converted ? null : meta.text;
      if (!text) { // the record's indexed text: its title, then the text
        text = (data.content || "").replace(/\u200b/g, "").split(VARIANTS)[0];
        if (title && text.indexOf(title) === 0) {
          text = text.slice(title.length);
        }
        text = text.replace(/^[\s.。]+/, "").trim();
      }
      return { url: converted ? meta["url_" + code] : data.url, title: title || data.url, text: text };
    }

    function resultItem(data) {
      var shownData = view(data);
      var item = document.createElement("li");
      item.className = "sl-search__result";
      var heading = document.createElement("h2");
      heading.className = "sl-search__title";
      var link = document.createElement("a");
      link.href = shownData.url;
      marked(shownData.title, true).forEach(function (node) {
        link.appendChild(node);
      });
      heading.appendChild(link);
      item.appendChild(heading);
      if (shownData.text) {
        var excerpt = document.createElement("p");
        excerpt.className = "sl-search__excerpt";
        marked(shownData.text, false).forEach(function (node) {
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

    /* The pages that have every word of the query (as a phrase), best first: the sum of the
       scores Pagefind gives them for each word asked plainly. */
    function find(pagefind, words) {
      var options = {};
      if (filter) {
        options.filters = {};
        options.filters[filter] = "y";
      }
      return Promise.all(words.map(function (word) {
        return Promise.all([pagefind.search(pagefindQuery(word, true), options), pagefind.search(pagefindQuery(word, false), options)]);
      })).then(function (answers) {
        var byId = {};
        var counted = {};
        answers.forEach(function (pair, number) {
          var scores = {};
          (pair[1] ? pair[1].results : []).forEach(function (result) {
            scores[result.id] = result.score;
          });
          (pair[0] ? pair[0].results : []).forEach(function (result) {
            var score = scores[result.id] || 0;
            if (counted[result.id] === number) {
              byId[result.id].score += score;
              counted[result.id] = number + 1;
            } else if (number === 0) {
              byId[result.id] = { score: score, data: result.data };
              counted[result.id] = 1;
            }
          });
        });
        return Object.keys(byId).filter(function (id) {
          return counted[id] === answers.length;
        }).map(function (id) {
          return byId[id];
        }).sort(function (a, b) {
          return b.score - a.score;
        });
      });
    }

    function search(query) {
      var ticket = ++current;
      results = [];
      shown = 0;
      list.textContent = "";
      more.hidden = true;
      failure.hidden = true;
      var words = query.replace(/["“”]/g, " ").split(/\s+/).filter(function (word) {
        return /[\p{L}\p{N}]/u.test(word);
      });
      if (!query) {
        status.textContent = "";
        return;
      }
      status.textContent = messages.searching;
      load().then(function (pagefind) {
        terms = words.map(fold);
        return words.length ? find(pagefind, terms) : [];
      }).then(function (found) {
        if (ticket !== current) {
          return null;
        }
        results = found;
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
