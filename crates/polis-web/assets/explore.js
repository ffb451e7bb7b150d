// polis network explorer: draws the service layer's neighbourhood of a record
// (/api/v1/graph/neighbourhood) with cytoscape, colours records by kind, labels links with
// what they are and their dates, and marks the chain the page found between two records.
// It also writes the same records and links as a list, the graph's text alternative.
(function () {
  "use strict";
  var container = document.getElementById("graph");
  if (!container || !window.cytoscape) return;
  var statusLine = document.getElementById("graph-status");
  var list = document.getElementById("graph-list");
  var path = (container.dataset.path || "").split(" ").filter(Boolean);
  var COLOURS = { actor: "#b35c00", place: "#0b5cad", network: "#1a7f37", activity: "#7048b6" };

  function dates(link) {
    if (!link.start && !link.end) return "";
    return " " + (link.start || "") + "–" + (link.end || "");
  }

  function hrefOf(node) {
    return node.kind === "place" ? "/places/" + encodeURIComponent(node.id) : "/explore?of=" + encodeURIComponent(node.id);
  }

  function onPath(from, to) {
    for (var i = 0; i + 1 < path.length; i++) {
      if ((path[i] === from && path[i + 1] === to) || (path[i] === to && path[i + 1] === from)) return true;
    }
    return false;
  }

  function load(url) {
    return fetch(url).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.error ? body.error.message : String(response.status));
        return body;
      });
    });
  }

  // The chain found may leave the neighbourhood: its records and links are added to it.
  function withChain(graph, answer) {
    var chain = answer && answer.chains && answer.chains[0];
    if (!chain) return graph;
    var known = {};
    graph.nodes.forEach(function (n) { known[n.id] = true; });
    chain.nodes.forEach(function (n) { if (!known[n.id]) { graph.nodes.push(n); known[n.id] = true; } });
    var linked = {};
    graph.links.forEach(function (l) { linked[l.from + "|" + l.to + "|" + l.label] = true; });
    chain.links.forEach(function (l) { if (!linked[l.from + "|" + l.to + "|" + l.label]) graph.links.push(l); });
    return graph;
  }

  Promise.all([
    load(container.dataset.neighbourhood),
    container.dataset.pathJson ? load(container.dataset.pathJson) : Promise.resolve(null)
  ]).then(function (answers) {
    var graph = withChain(answers[0], answers[1]);
    var elements = [];
    var names = {};
    graph.nodes.forEach(function (node) {
      names[node.id] = node.name;
      elements.push({ data: { id: node.id, label: node.name, kind: node.kind, centre: node.id === graph.center.id ? 1 : 0, onPath: path.indexOf(node.id) >= 0 ? 1 : 0 } });
    });
    graph.links.forEach(function (link, i) {
      elements.push({ data: {
        id: "link-" + i, source: link.from, target: link.to,
        label: link.label.replace(/^tie:/, "").replace(/_/g, " ") + (link.role ? " (" + link.role + ")" : "") + dates(link),
        onPath: onPath(link.from, link.to) ? 1 : 0
      } });
    });
    var cy = window.cytoscape({
      container: container,
      elements: elements,
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
          "label": "data(label)", "font-size": 10, "text-wrap": "wrap", "text-max-width": 120,
          "text-valign": "bottom", "text-margin-y": 3, "color": "#1d232b",
          "text-background-color": "#fbfcfd", "text-background-opacity": 0.7, "text-background-padding": 1,
          "width": 14, "height": 14, "border-width": 1, "border-color": "#fff",
          "background-color": function (n) { return COLOURS[n.data("kind")] || "#555"; }
        } },
        { selector: "node[centre = 1]", style: { "width": 24, "height": 24, "font-weight": "bold", "font-size": 12 } },
        { selector: "node[onPath = 1]", style: { "border-width": 4, "border-color": "#f2a900" } },
        // Link labels show on the chain found, around the record pointed at, and when
        // zoomed in; otherwise they would cover the records.
        { selector: "edge", style: {
          "width": 1.2, "line-color": "#b4bcc5", "curve-style": "bezier",
          "label": "data(label)", "font-size": 8, "min-zoomed-font-size": 11, "color": "#4d5866",
          "text-rotation": "autorotate", "text-background-color": "#fbfcfd", "text-background-opacity": 0.85,
          "text-background-padding": 1
        } },
        { selector: "edge.focus", style: { "min-zoomed-font-size": 0, "line-color": "#4d5866", "width": 2, "z-index": 10 } },
        { selector: "edge[onPath = 1]", style: { "width": 4, "line-color": "#f2a900", "font-size": 9, "min-zoomed-font-size": 0, "color": "#1d232b" } }
      ],
      layout: {
        name: "cose", animate: false, randomize: false, padding: 30, nodeRepulsion: function () { return 400000; },
        idealEdgeLength: function () { return 110; }, nodeOverlap: 20, gravity: 60, numIter: 1500, componentSpacing: 80
      }
    });
    cy.on("mouseover", "node", function (event) { event.target.connectedEdges().addClass("focus"); });
    cy.on("mouseout", "node", function (event) { event.target.connectedEdges().removeClass("focus"); });
    cy.on("tap", "node", function (event) {
      window.location.href = hrefOf({ id: event.target.id(), kind: event.target.data("kind") });
    });
    window.polisExplorer = { nodes: graph.nodes.length, links: graph.links.length, cy: cy };
    if (statusLine) {
      statusLine.textContent = graph.nodes.length + " records and " + graph.links.length + " links within " + graph.depth +
        " steps" + (graph.truncated ? " (cut at the limit)" : "") + ". Select a record to open it.";
    }
    if (list) {
      graph.nodes.forEach(function (node) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = hrefOf(node); a.textContent = node.name;
        li.appendChild(a);
        li.appendChild(document.createTextNode(" (" + node.kind + ")"));
        var links = graph.links.filter(function (l) { return l.from === node.id; });
        if (links.length) {
          var ul = document.createElement("ul");
          links.forEach(function (l) {
            var item = document.createElement("li");
            item.textContent = l.label.replace(/_/g, " ") + (l.role ? " (" + l.role + ")" : "") + dates(l) + " → " + (names[l.to] || l.to);
            ul.appendChild(item);
          });
          li.appendChild(ul);
        }
        list.appendChild(li);
      });
    }
  }).catch(function (error) {
    if (statusLine) statusLine.textContent = "The network could not be drawn: " + error.message;
  });
})();
