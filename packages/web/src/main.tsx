import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.js";
import { browserEnvironment } from "./browser-environment.js";
import { registerServiceWorker } from "./register-sw.js";
import { Chat } from "./stores/chat.js";
import "./styles.css";

const root = document.getElementById("root");
if (root)
  createRoot(root).render(
    <StrictMode>
      <App chat={new Chat(browserEnvironment())} />
    </StrictMode>,
  );
registerServiceWorker();
