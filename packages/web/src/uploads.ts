/** What the server says about an uploaded file. */
export interface UploadedFile {
  id: string;
  name: string;
  size: number;
  mime: string;
}

/** Files up to this size go in one request (the server's default files.maxUploadBytes). */
const ONE_REQUEST_BYTES = 32 * 1024 * 1024;
/** Size of each request of a resumable upload. */
const CHUNK_BYTES = 8 * 1024 * 1024;
/** Times a resumable upload asks the server where it stands and carries on after a failed request. */
const RESUMES = 5;

/**
 * Uploads one file with the session token, reporting progress (0..1): in
 * one request when it is small, otherwise (or when the server finds it too
 * big for one request) resumably, in chunks that continue where the server
 * has the bytes up to after a dropped request.
 */
export async function uploadFile(
  file: File,
  token: string,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<UploadedFile> {
  if (file.size > ONE_REQUEST_BYTES) return uploadResumable(file, token, onProgress, signal);
  try {
    return await uploadOnce(file, token, onProgress, signal);
  } catch (err) {
    if ((err as { status?: number }).status !== 413) throw err;
    return uploadResumable(file, token, onProgress, signal);
  }
}

/** One XMLHttpRequest with upload progress; resolves with the status, headers and JSON body. */
function request(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: Blob | null,
  onProgress?: (loaded: number) => void,
  signal?: AbortSignal,
): Promise<{ status: number; header(name: string): string | null; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(xhr.responseText || "{}");
      } catch {
        // Not JSON: the status tells.
      }
      resolve({ status: xhr.status, header: (n) => xhr.getResponseHeader(n), json });
    };
    xhr.onerror = () => reject(new Error("upload failed: no connection"));
    xhr.onabort = () => reject(new Error("upload cancelled"));
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(body);
  });
}

function failure(r: { status: number; json: Record<string, unknown> }): Error & { status: number } {
  const err = new Error(String(r.json.message ?? `upload failed (${r.status})`)) as Error & {
    status: number;
  };
  err.status = r.status;
  return err;
}

/** tus 1.0 against /api/v1/uploads: create, then PATCH chunk after chunk, asking for the offset after a failure. */
async function uploadResumable(
  file: File,
  token: string,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<UploadedFile> {
  const auth = { authorization: `Bearer ${token}`, "tus-resumable": "1.0.0" };
  const name = btoa(String.fromCharCode(...new TextEncoder().encode(file.name || "file")));
  const created = await request(
    "POST",
    "/api/v1/uploads",
    { ...auth, "upload-length": String(file.size), "upload-metadata": `filename ${name}` },
    null,
    undefined,
    signal,
  );
  if (created.status !== 201) throw failure(created);
  const location = created.header("location") ?? "";
  let offset = 0;
  let resumes = 0;
  for (;;) {
    const end = Math.min(offset + CHUNK_BYTES, file.size);
    try {
      const r = await request(
        "PATCH",
        location,
        { ...auth, "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
        file.slice(offset, end),
        (loaded) => onProgress((offset + loaded) / file.size),
        signal,
      );
      if (r.status !== 204) throw failure(r);
      offset = Number(r.header("upload-offset") ?? end);
      const id = r.header("starling-file-id");
      if (id) return { id, name: file.name, size: file.size, mime: "" };
    } catch (err) {
      if (signal?.aborted || (err as { status?: number }).status !== undefined || ++resumes > RESUMES)
        throw err;
      const head = await request("HEAD", location, auth, null, undefined, signal);
      if (head.status !== 200 && head.status !== 204) throw failure(head);
      offset = Number(head.header("upload-offset") ?? offset);
    }
  }
}

/** One request with the whole file. */
function uploadOnce(
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
      else reject(failure({ status: xhr.status, json: body }));
    };
    xhr.onerror = () => reject(new Error("upload failed: no connection"));
    xhr.onabort = () => reject(new Error("upload cancelled"));
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(file);
  });
}
