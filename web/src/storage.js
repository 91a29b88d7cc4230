// A small promise API over IndexedDB, where the page keeps each notebook's
// edits. One object store, "notebooks", keyed by a string; each value is a
// record with savedAt, the time it was made (Date.now()).
//
// IndexedDB only writes asynchronously, and a browser that unloads a page
// drops the writes still in flight. So edits still pending when the page
// is hidden or left are also stashed in localStorage, which writes at once;
// the next load absorbs the stash into IndexedDB.
const DB = "tinytorch";
const STORE = "notebooks";
const STASH = "tinytorch-stash:";

let opened;
function db() {
  opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return opened;
}

function request(mode, fn) {
  return db().then(
    (d) =>
      new Promise((resolve, reject) => {
        const tx = d.transaction(STORE, mode);
        const req = fn(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(req.result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      }),
  );
}

// stashed reads the stash of a key, or undefined. localStorage may be
// missing or refuse access (some privacy settings): then nothing is stashed.
function stashed(key) {
  try {
    const text = localStorage.getItem(STASH + key);
    return text === null ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

// unstash removes the stash of a key unless it is newer than savedAt.
function unstash(key, savedAt) {
  const s = stashed(key);
  if (s !== undefined && !(s.savedAt > savedAt)) {
    try {
      localStorage.removeItem(STASH + key);
    } catch {
      // nothing to remove without localStorage
    }
  }
}

const get = (key) => request("readonly", (s) => s.get(key));
const put = (key, value) => request("readwrite", (s) => s.put(value, key));

export const storage = {
  // load resolves to the saved value, or undefined. A stash newer than the
  // saved value (or equal: its IndexedDB write may not have finished) wins
  // and is written into IndexedDB; until that write succeeds the stash is
  // kept, and it is returned even when IndexedDB fails.
  load: async (key) => {
    let saved, failure;
    try {
      saved = await get(key);
    } catch (err) {
      failure = err;
    }
    const s = stashed(key);
    if (s === undefined) {
      if (failure) throw failure;
      return saved;
    }
    if (saved !== undefined && saved.savedAt > s.savedAt) {
      unstash(key, saved.savedAt);
      return saved;
    }
    try {
      await put(key, s);
      unstash(key, s.savedAt);
    } catch (err) {
      console.warn("could not move stashed edits into IndexedDB:", err);
    }
    return s;
  },
  // save writes a value in one transaction: it is stored whole or not at
  // all. A stash it makes obsolete is dropped.
  save: (key, value) =>
    put(key, value).then((result) => {
      unstash(key, value.savedAt);
      return result;
    }),
  // stash writes a value synchronously, for the page's last moments, and
  // starts its IndexedDB write as well. It returns whether the synchronous
  // copy was made (localStorage can be full or switched off).
  stash: (key, value) => {
    let kept = true;
    try {
      localStorage.setItem(STASH + key, JSON.stringify(value));
    } catch (err) {
      console.warn("could not keep pending edits in localStorage:", err);
      kept = false;
    }
    storage.save(key, value).catch((err) => console.warn("could not save edits:", err));
    return kept;
  },
  remove: (key) =>
    request("readwrite", (s) => s.delete(key)).then((result) => {
      unstash(key, Infinity);
      return result;
    }),
};
