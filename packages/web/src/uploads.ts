/** What the server says about an uploaded file. */
export interface UploadedFile {
  id: string;
  name: string;
  size: number;
  mime: string;
}

/**
 * Uploads one file over the HTTP API with the session token, reporting
 * progress (0..1). XMLHttpRequest rather than fetch, for upload progress.
 */
export function uploadFile(
  file: File,
  token: string,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/files?name=${encodeURIComponent(file.name || "file")}`);
    xhr.setRequestHeader("authorization", `Bearer ${token}`);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: { message?: string } & Partial<UploadedFile> = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // An answer that is not JSON: reported below by its status.
      }
      if (xhr.status === 201 && body.id) resolve(body as UploadedFile);
      else reject(new Error(body.message ?? `upload failed (${xhr.status})`));
    };
    xhr.onerror = () => reject(new Error("upload failed: no connection"));
    xhr.onabort = () => reject(new Error("upload cancelled"));
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(file);
  });
}

const links = new Map<string, { path: string; expiresAt: number }>();

/**
 * A signed link to a file's content or thumbnail for <img src> or a
 * download, fetched once and reused until shortly before it expires.
 */
export async function fileLink(
  fileId: string,
  variant: "content" | "thumbnail",
  token: string,
): Promise<string> {
  const key = `${fileId}/${variant}`;
  const known = links.get(key);
  if (known && known.expiresAt - Date.now() > 60_000) return known.path;
  const r = await fetch(`/api/v1/files/${encodeURIComponent(fileId)}/link`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ variant }),
  });
  if (!r.ok) throw new Error(`no access to the file (${r.status})`);
  const link = (await r.json()) as { path: string; expiresAt: number };
  links.set(key, link);
  return link.path;
}
