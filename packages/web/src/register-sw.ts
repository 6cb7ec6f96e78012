/**
 * Registers the service worker (`sw.ts`, served as /sw.js) at the root
 * scope, after the page has loaded so it does not compete with the first
 * screen's requests. Where there are no service workers (an insecure origin
 * other than localhost, an old browser) the app works as before, online only.
 */
export function registerServiceWorker(): void {
  if (!("serviceWorker" in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
      // Refused (private mode, a policy): the app still works, only not offline.
    });
  };
  if (document.readyState === "complete") register();
  else addEventListener("load", register, { once: true });
}
