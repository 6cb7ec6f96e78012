import { toString as qrSvg } from "qrcode";
import { useEffect, useState } from "react";

/** The invite link as a QR code (SVG made in the page; nothing leaves the browser). */
export function InviteQr(props: { text: string; label: string }) {
  const [svg, setSvg] = useState("");
  useEffect(() => {
    let live = true;
    void qrSvg(props.text, { type: "svg", margin: 1, errorCorrectionLevel: "M" }).then((s) => {
      if (live) setSvg(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(s)}`);
    });
    return () => {
      live = false;
    };
  }, [props.text]);
  return svg ? (
    <img className="invite-qr" src={svg} alt={props.label} width={192} height={192} data-testid="invite-qr" />
  ) : null;
}
