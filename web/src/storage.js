// A small promise API over IndexedDB, where the page keeps each notebook's
// edits. One object store, "notebooks", keyed by a string.
const DB = "tinytorch";
const STORE = "notebooks";

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

export const storage = {
  // load resolves to the saved value, or undefined.
  load: (key) => request("readonly", (s) => s.get(key)),
  // save writes a value in one transaction: it is stored whole or not at all.
  save: (key, value) => request("readwrite", (s) => s.put(value, key)),
  remove: (key) => request("readwrite", (s) => s.delete(key)),
};
