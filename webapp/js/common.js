// Helpers shared by the pages: the hub's URL next to the page, and small DOM utilities.

/** ws(s)://<this host>/<context>/ws for a page served by the node (standalone or WAR). */
export function hubUrl(path = 'ws') {
  const url = new URL(path, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export const $ = (id) => document.getElementById(id);

/** Appends an item to a list, newest last, keeping at most `max` items. */
export function appendItem(list, text, cls = '', max = 500) {
  const li = document.createElement('li');
  li.textContent = text;
  if (cls) li.className = cls;
  list.append(li);
  while (list.children.length > max) list.firstElementChild.remove();
  list.scrollTop = list.scrollHeight;
  return li;
}

export const time = () => new Date().toLocaleTimeString();
