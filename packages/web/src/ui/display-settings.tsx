import { useEffect } from "react";
import { useChat } from "../use-chat.js";

/**
 * Applies this device's theme and chat text size to the page, as attributes the style sheet's
 * custom properties follow (styles.css). Part of the first screen, so the login screen is
 * already in the chosen theme.
 */
export function DisplaySettings() {
  const { settings } = useChat("settings");
  const { theme, fontSize } = settings.device;
  useEffect(() => {
    const root = document.documentElement;
    root.dataset.theme = theme;
    root.dataset.font = fontSize;
  }, [theme, fontSize]);
  return null;
}
