// trunk's initializer for the wasm (index.html's data-initializer): while the wasm
// downloads, the skeleton's progress bar shows the bytes received of the total; a
// browser without WebAssembly, or a download or start that fails, gets a message
// instead of an empty page. The app replaces the skeleton when it mounts.
export default function initializer() {
  const find = (name) => document.querySelector(`[data-boot-${name}]`);
  let failed = false;
  const fail = (text) => {
    failed = true;
    const box = find("failed");
    if (box) {
      box.textContent = text;
      box.hidden = false;
    }
    document.documentElement.dataset.boot = "failed";
  };
  return {
    onStart() {
      // A saved or requested theme, before the app's first render (no flash of light).
      const chosen = new URLSearchParams(location.search).get("theme");
      let saved = null;
      try {
        saved = localStorage.getItem("podlab.theme");
      } catch (_) {}
      const theme = [chosen, saved].find((t) => t === "light" || t === "dark");
      if (theme) document.documentElement.dataset.theme = theme;
      if (typeof WebAssembly !== "object") {
        fail(
          "This browser cannot run WebAssembly, which Podlab needs: open it in a current Chrome, Edge, Firefox or Safari (with WebAssembly turned on).",
        );
      }
    },
    onProgress({ current, total }) {
      const bar = find("progress");
      if (bar && total > 0) {
        bar.max = total;
        bar.value = Math.min(current, total);
        const label = find("label");
        if (label) label.textContent = `Loading the playground… ${Math.floor((100 * bar.value) / total)}%`;
      }
    },
    onFailure(reason) {
      if (!failed) fail(`Podlab could not start: ${reason}. Reload the page to try again.`);
    },
  };
}
