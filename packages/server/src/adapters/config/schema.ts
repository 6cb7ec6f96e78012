/**
 * Every setting, in one table: its key (also the path in a JSON config
 * file), type, default, STARLING_* environment variable and --flag are all
 * derived from here, and so is docs/config.md.
 */
export type SettingType = "string" | "int" | "bool" | "enum";

export interface Setting {
  key: string;
  type: SettingType;
  default: string | number | boolean;
  description: string;
  values?: readonly string[];
  min?: number;
  max?: number;
}

export const SETTINGS = [
  {
    key: "dataDir",
    type: "string",
    default: "./data",
    description: "Folder for the embedded database, TLS files and the admin key.",
  },
  {
    key: "domain",
    type: "string",
    default: "starling.local",
    description: "The default domain: users log in as name or name@domain.",
  },
  {
    key: "db",
    type: "string",
    default: "",
    description:
      "Database URL. Empty: SQLite at <dataDir>/starling.db. Also sqlite:PATH, or postgres://user@host:port/database.",
  },
  {
    key: "bus",
    type: "string",
    default: "",
    description:
      "Cluster bus. Empty: this process only. nats://host:port (comma-separated for several) joins a cluster of nodes that share one PostgreSQL.",
  },
  {
    key: "busPrefix",
    type: "string",
    default: "starling",
    description: "NATS subject prefix of the cluster; every node of one cluster uses the same.",
  },
  {
    key: "nodeId",
    type: "string",
    default: "",
    description: "This node's name in the cluster. Empty: host name and process id.",
  },
  {
    key: "cluster.rebalanceIntervalMs",
    type: "int",
    default: 10000,
    min: 0,
    max: 3_600_000,
    description:
      "How often a cluster node compares its count of native client sessions with the other nodes' and, when far above its fair share, asks a few clients to move (close code 4005). 0: never.",
  },
  {
    key: "cluster.rebalanceTolerancePercent",
    type: "int",
    default: 25,
    min: 0,
    max: 1000,
    description:
      "How far above its fair share (the cluster's sessions divided by its live nodes), in percent, a node must be before it asks clients to move; it then moves them until it is back at its fair share.",
  },
  {
    key: "cluster.rebalanceBatch",
    type: "int",
    default: 5,
    min: 1,
    max: 10000,
    description: "Most clients a node asks to move per rebalance interval, so they leave gradually.",
  },
  {
    key: "durability",
    type: "enum",
    default: "full",
    values: ["full", "normal"],
    description:
      "SQLite fsync policy. full: an acknowledged message survives power loss; normal: survives a crash of the process, may lose the last commits on power loss.",
  },
  {
    key: "shutdown.timeoutMs",
    type: "int",
    default: 15_000,
    min: 100,
    max: 600_000,
    description:
      "On SIGTERM or SIGINT: how long the server may take to finish queued sends, say goodbye to its clients and close the database before it exits anyway (with status 1).",
  },
  { key: "tcp.host", type: "string", default: "0.0.0.0", description: "Address of the native TCP listener." },
  {
    key: "tcp.port",
    type: "int",
    default: 5202,
    min: 0,
    max: 65535,
    description: "Port of the native TCP listener (0: any free port).",
  },
  {
    key: "tcp.tls",
    type: "bool",
    default: true,
    description: "Speak TLS on the TCP listener (see tls.minVersion).",
  },
  {
    key: "xmpp.enabled",
    type: "bool",
    default: true,
    description:
      "Serve XMPP clients: client-to-server on xmpp.port (on tcp.host, STARTTLS required) and XMPP over WebSocket at /xmpp on the HTTP port.",
  },
  {
    key: "xmpp.port",
    type: "int",
    default: 5222,
    min: 0,
    max: 65535,
    description: "Port of the XMPP client-to-server listener (0: any free port).",
  },
  {
    key: "federation.enabled",
    type: "bool",
    default: false,
    description:
      "Serve federation links to other Starling domains: mutually authenticated TLS on federation.port (on tcp.host), and dial every active link (docs/federation.md).",
  },
  {
    key: "federation.port",
    type: "int",
    default: 5269,
    min: 0,
    max: 65535,
    description: "Port of the federation listener (0: any free port).",
  },
  {
    key: "federation.maxFrameBytes",
    type: "int",
    default: 1048576,
    min: 1024,
    max: 67108864,
    description:
      "Largest envelope on a federation link, in bytes; a peer that sends a larger one is cut off.",
  },
  {
    key: "federation.framesPerSecond",
    type: "int",
    default: 2000,
    min: 1,
    max: 1000000,
    description: "Frames a peer's link may deliver per second (token bucket); beyond it reading pauses.",
  },
  {
    key: "federation.frameBurst",
    type: "int",
    default: 4000,
    min: 1,
    max: 1000000,
    description: "Frames a peer's link may deliver at once above federation.framesPerSecond.",
  },
  {
    key: "federation.heartbeatMs",
    type: "int",
    default: 30000,
    min: 100,
    max: 600000,
    description:
      "A link that carried nothing for this long sends a heartbeat; one silent for three is dropped.",
  },
  {
    key: "federation.handshakeTimeoutMs",
    type: "int",
    default: 10000,
    min: 100,
    max: 120000,
    description: "Time for a link's TLS handshake and Hello exchange.",
  },
  {
    key: "federation.backoffMaxMs",
    type: "int",
    default: 60000,
    min: 100,
    max: 3600000,
    description:
      "Longest wait between attempts to reach a peer that is down (exponential backoff with jitter).",
  },
  {
    key: "http.host",
    type: "string",
    default: "0.0.0.0",
    description: "Address of the HTTP/WebSocket listener.",
  },
  {
    key: "http.port",
    type: "int",
    default: 8080,
    min: 0,
    max: 65535,
    description: "Port of the HTTP/WebSocket listener (0: any free port).",
  },
  {
    key: "http.trustProxy",
    type: "string",
    default: "",
    description:
      "Reverse proxies in front of the HTTP port, comma-separated addresses or CIDR ranges (e.g. 127.0.0.1,10.0.0.0/8). Only when a request comes from one of them is its X-Forwarded-For believed, for rate limits, login lockouts, the audit log and the access log; empty: the header is ignored.",
  },
  {
    key: "http.webRoot",
    type: "string",
    default: "",
    description:
      "Folder of the built web client served at /; empty for the one built with this program (packages/web/dist).",
  },
  {
    key: "metrics.listen",
    type: "string",
    default: "",
    description:
      "Address and port (host:port, [IPv6]:port) of a listener of its own for the Prometheus metrics at /metrics, e.g. 127.0.0.1:9464; empty: /metrics is on the HTTP port.",
  },
  {
    key: "metrics.public",
    type: "bool",
    default: false,
    description:
      "Serve /metrics to anyone who reaches it. Off: a scrape must send the admin key (<dataDir>/admin.key) as a bearer token.",
  },
  {
    key: "public.host",
    type: "string",
    default: "",
    description:
      "Host name clients use to reach this server, as the onboarding document (/.well-known/starling) and invites give it. Empty: the host a request came to.",
  },
  {
    key: "public.tcpPort",
    type: "int",
    default: 0,
    min: 0,
    max: 65535,
    description:
      "Native-protocol port clients connect to, when a load balancer listens on another port (0: the listener's).",
  },
  {
    key: "public.httpPort",
    type: "int",
    default: 0,
    min: 0,
    max: 65535,
    description:
      "HTTP/WebSocket port clients connect to, when a load balancer listens on another port (0: the listener's).",
  },
  {
    key: "public.https",
    type: "bool",
    default: false,
    description:
      "Clients reach the HTTP port through a TLS-terminating proxy: the links the server gives out (onboarding document, XMPP upload and download URLs) use https and wss.",
  },
  {
    key: "tls.cert",
    type: "string",
    default: "",
    description: "PEM certificate file. Empty: a self-signed one is made in <dataDir>/tls on first start.",
  },
  { key: "tls.key", type: "string", default: "", description: "PEM private key file for tls.cert." },
  {
    key: "tls.minVersion",
    type: "enum",
    default: "1.2",
    values: ["1.2", "1.3"],
    description:
      "Oldest TLS version the native port and XMPP STARTTLS accept. 1.2 offers only ECDHE suites with AES-GCM or ChaCha20-Poly1305; 1.3 refuses TLS 1.2 clients altogether.",
  },
  {
    key: "log.level",
    type: "enum",
    default: "info",
    values: ["debug", "info", "warn", "error", "silent"],
    description: "Log level.",
  },
  {
    key: "limits.maxFrameBytes",
    type: "int",
    default: 1048576,
    min: 1024,
    max: 67108864,
    description:
      "Largest envelope accepted, in bytes; raised as far as the longest text allowed (limits.maxTextLength) needs.",
  },
  {
    key: "limits.heartbeatIntervalMs",
    type: "int",
    default: 25000,
    min: 100,
    max: 600000,
    description: "How often clients ping; a connection silent for 3 intervals is dropped.",
  },
  {
    key: "limits.recallWindowMs",
    type: "int",
    default: 120000,
    min: 0,
    max: 604800000,
    description: "How long a sender may recall a message.",
  },
  {
    key: "limits.editWindowMs",
    type: "int",
    default: 86400000,
    min: 0,
    max: 2592000000,
    description: "How long a sender may edit a message; 0 means no limit.",
  },
  {
    key: "limits.groupMaxMembers",
    type: "int",
    default: 2000,
    min: 2,
    max: 100000,
    description: "Most members in a group.",
  },
  {
    key: "limits.maxTextLength",
    type: "int",
    default: 16384,
    min: 1,
    max: 1048576,
    description: "Longest message text, in UTF-16 code units.",
  },
  {
    key: "limits.requestsPerSecond",
    type: "int",
    default: 500,
    min: 1,
    max: 1000000,
    description:
      "Requests per second one native-protocol connection may make (sustained); also HTTP API requests per second from one address.",
  },
  {
    key: "limits.requestBurst",
    type: "int",
    default: 1000,
    min: 1,
    max: 1000000,
    description: "Requests one connection (or, on the HTTP API, one address) may make in a burst.",
  },
  {
    key: "files.maxUploadBytes",
    type: "int",
    default: 32 * 1024 * 1024,
    min: 1,
    max: 1024 * 1024 * 1024,
    description:
      "Largest file accepted in one upload request (bytes); it is held in memory while it arrives. Larger files use resumable uploads.",
  },
  {
    key: "files.maxFileBytes",
    type: "int",
    default: 4 * 1024 * 1024 * 1024,
    min: 1,
    max: 1024 * 1024 * 1024 * 1024,
    description:
      "Largest file a user may upload by any means (bytes); a domain may set a lower one of its own.",
  },
  {
    key: "files.domainQuotaBytes",
    type: "int",
    default: 0,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    description:
      "Total bytes of uploads each domain may keep, unless the domain has its own quota; 0 for no limit.",
  },
  {
    key: "files.blobStore",
    type: "enum",
    default: "auto",
    values: ["auto", "database", "folder"],
    description:
      "Where file contents live. auto: in the database when it is PostgreSQL (every node of a cluster reads them), else the folder; database: in PostgreSQL, in chunks; folder: files.blobDir.",
  },
  {
    key: "files.blobDir",
    type: "string",
    default: "",
    description:
      "The folder of file contents when files.blobStore is folder (or auto on SQLite); in a cluster a mount every node shares. Empty: <dataDir>/files.",
  },
  {
    key: "files.maxImagePixels",
    type: "int",
    default: 100_000_000,
    min: 1,
    max: 1_000_000_000,
    description:
      "Images with more pixels (width x height) are refused rather than decoded, so a decompression bomb cannot exhaust memory.",
  },
  {
    key: "limits.loginMaxFailures",
    type: "int",
    default: 5,
    min: 1,
    max: 1000,
    description:
      "Failed logins of one account from one address within 5 minutes before that address is locked out of that account for 5 minutes.",
  },
  {
    key: "limits.loginMaxFailuresPerIp",
    type: "int",
    default: 50,
    min: 1,
    max: 100000,
    description:
      "Failed logins from one address to any accounts within 5 minutes before it is locked for 5 minutes out of every account it has not logged in to lately.",
  },
  {
    key: "limits.loginMaxFailuresPerAccount",
    type: "int",
    default: 20,
    min: 1,
    max: 100000,
    description:
      "Failed logins of one account from all addresses within 5 minutes before the account is closed for 5 minutes to addresses that have not logged in to it lately.",
  },
  {
    key: "limits.loginKnownAddressMs",
    type: "int",
    default: 30 * 24 * 3600 * 1000,
    min: 0,
    max: 365 * 24 * 3600 * 1000,
    description:
      "How long a successful login lets its address past the per-address and per-account login limits of that account (milliseconds; 0 turns this off).",
  },
  {
    key: "limits.tlsHandshakeTimeoutMs",
    type: "int",
    default: 10000,
    min: 50,
    max: 600000,
    description:
      "A connection that has not finished its TLS handshake in this time (native port, XMPP after STARTTLS) is closed.",
  },
  {
    key: "limits.loginTimeoutMs",
    type: "int",
    default: 20000,
    min: 50,
    max: 600000,
    description:
      "A connection that has not logged in within this time is closed: native Welcome (after the TLS handshake), XMPP resource bound (from connecting), on TCP and WebSocket.",
  },
  {
    key: "limits.maxConnectionsPerAddress",
    type: "int",
    default: 1000,
    min: 0,
    max: 1000000,
    description:
      "Open connections from one address (an IPv6 /64) on all listeners together, HTTP sockets included; further ones are refused. 0: no limit.",
  },
  {
    key: "limits.maxUnauthenticatedPerAddress",
    type: "int",
    default: 100,
    min: 0,
    max: 1000000,
    description:
      "Native and XMPP connections from one address (an IPv6 /64) that have not logged in yet; further ones are refused. 0: no limit.",
  },
  {
    key: "limits.maxSessionsPerUser",
    type: "int",
    default: 30,
    min: 0,
    max: 100000,
    description:
      "Sessions one user may have open on this node, native and XMPP together; a further login is refused (TOO_MANY_SESSIONS). 0: no limit.",
  },
  {
    key: "limits.maxPushDevicesPerUser",
    type: "int",
    default: 20,
    min: 1,
    max: 1000,
    description:
      "Push devices one user may register; registering one more removes the one least recently used.",
  },
  {
    key: "limits.exemptAddresses",
    type: "string",
    default: "",
    description:
      "Comma-separated addresses the per-address limits do not apply to: a reverse proxy or load balancer that does not pass on client addresses.",
  },
  {
    key: "http.headersTimeoutMs",
    type: "int",
    default: 10000,
    min: 50,
    max: 600000,
    description:
      "Time a client has to send a request's headers (slowloris protection); then 408 and the connection is closed.",
  },
  {
    key: "http.requestTimeoutMs",
    type: "int",
    default: 300000,
    min: 50,
    max: 86400000,
    description:
      "Time a client has to send a whole request, body included (uploads larger than a slow link can carry in this time use resumable uploads); then 408 and the connection is closed.",
  },
  {
    key: "http.idleTimeoutMs",
    type: "int",
    default: 120000,
    min: 0,
    max: 86400000,
    description:
      "An HTTP connection on which nothing moves either way for this long is closed (0: never). WebSocket connections are not affected.",
  },
  {
    key: "http.keepAliveTimeoutMs",
    type: "int",
    default: 65000,
    min: 50,
    max: 600000,
    description:
      "How long an idle keep-alive HTTP connection stays open for the next request; above the usual 60 s of load balancers, so they close first.",
  },
  // slot: push
  {
    key: "push.queueLimit",
    type: "int",
    default: 100000,
    min: 1,
    max: 10000000,
    description:
      "Stored messages waiting to be considered for push notifications, and notifications waiting for their provider; more are dropped (counted in starling_push_total, outcome dropped), since sync, not push, makes devices complete.",
  },
  {
    key: "push.ratePerSecond",
    type: "int",
    default: 500,
    min: 1,
    max: 1000000,
    description: "Requests per second to each push provider (a token bucket allowing as many at once).",
  },
  {
    key: "push.maxAttempts",
    type: "int",
    default: 5,
    min: 1,
    max: 20,
    description:
      "Tries of one notification, the first included, when the provider answers rate limited or fails; retries back off exponentially with jitter from push.retryBaseMs and honour the provider's Retry-After.",
  },
  {
    key: "push.retryBaseMs",
    type: "int",
    default: 1000,
    min: 1,
    max: 600000,
    description:
      "The bound of the first retry's delay; it doubles with each further try (at most 5 minutes).",
  },
  {
    key: "push.collapseMs",
    type: "int",
    default: 5000,
    min: 0,
    max: 600000,
    description:
      'A burst of messages in one conversation notifies a device once at once, then once more when this window ends for the rest ("9 new messages"). 0: every message notifies.',
  },
  {
    key: "push.mentionsOnlyAbove",
    type: "int",
    default: 100,
    min: 0,
    max: 1000000,
    description:
      "Groups with more members than this notify only mentions of the member and @all. 0: every group notifies every message.",
  },
  {
    key: "push.previews",
    type: "enum",
    default: "none",
    values: ["none", "text"],
    description:
      "What a notification says. none: the sender (and group) and \"New message\", so no message text reaches a provider's cloud; text: the message's text as well, markdown removed.",
  },
  // end: push

  // slot: webpush
  {
    key: "push.webpush.enabled",
    type: "bool",
    default: true,
    description:
      "Web Push (RFC 8030) to browsers and the installed web client. Needs no account with anyone: the server signs with its own VAPID key.",
  },
  {
    key: "push.webpush.subject",
    type: "string",
    default: "",
    description:
      "The contact a push service's operator can reach about this server (RFC 8292 `sub`): mailto: or https:. Empty: mailto:admin@<domain>.",
  },
  {
    key: "push.webpush.keyFile",
    type: "string",
    default: "",
    description:
      'The VAPID key pair, JSON {"publicKey", "privateKey"} in base64url. Empty: <dataDir>/vapid.json, made on first start. A new key invalidates every browser subscription.',
  },
  {
    key: "push.webpush.ttlSeconds",
    type: "int",
    default: 86400,
    min: 0,
    max: 2419200,
    description:
      "How long a push service keeps a notification for a browser that is offline (RFC 8030 TTL); 0: deliver now or drop.",
  },
  {
    key: "push.webpush.timeoutMs",
    type: "int",
    default: 10000,
    min: 100,
    max: 120000,
    description: "Time a push service has to answer one push; then it is retried later.",
  },
  // end: webpush

  // slot: apns
  {
    key: "push.apns.keyFile",
    type: "string",
    default: "",
    description:
      "APNs signing key (.p8, token-based authentication). With push.apns.keyId and push.apns.teamId it turns on push to iOS devices. Empty: no APNs.",
  },
  {
    key: "push.apns.keyId",
    type: "string",
    default: "",
    description: "The 10-character Key ID of push.apns.keyFile.",
  },
  {
    key: "push.apns.teamId",
    type: "string",
    default: "",
    description: "The 10-character Team ID of the Apple developer account the key belongs to.",
  },
  {
    key: "push.apns.topic",
    type: "string",
    default: "",
    description: "The app's bundle id, for devices that registered without one (apns-topic).",
  },
  {
    key: "push.apns.endpoint",
    type: "string",
    default: "https://api.push.apple.com",
    description:
      "APNs server: https://api.push.apple.com for App Store and TestFlight builds, https://api.sandbox.push.apple.com for development builds.",
  },
  {
    key: "push.apns.caFile",
    type: "string",
    default: "",
    description:
      "Extra certificate authorities (PEM) to trust for push.apns.endpoint, for a test server. Empty: the system's.",
  },
  {
    key: "push.apns.timeoutMs",
    type: "int",
    default: 10_000,
    min: 100,
    max: 120_000,
    description: "How long one APNs request may take before it counts as failed (and is retried later).",
  },
  // end: apns

  // slot: fcm
  {
    key: "push.fcm.serviceAccountFile",
    type: "string",
    default: "",
    description:
      "Firebase service-account key (JSON) of the project the Android app is registered in; turns on push through FCM. Empty: no FCM.",
  },
  {
    key: "push.fcm.endpoint",
    type: "string",
    default: "https://fcm.googleapis.com",
    description: "Base URL of the FCM HTTP v1 API (another only for a test server).",
  },
  {
    key: "push.fcm.timeoutMs",
    type: "int",
    default: 10_000,
    min: 100,
    max: 120_000,
    description:
      "How long one FCM request (a send, or getting an access token) may take before it counts as failed (and is retried later).",
  },
  // end: fcm

  // slot: webhook
  {
    key: "push.webhook.url",
    type: "string",
    default: "",
    description:
      "URL of the company's own push relay: each notification is POSTed there as signed JSON (see docs/operations.md, Push providers). Empty: no relay.",
  },
  {
    key: "push.webhook.secret",
    type: "string",
    default: "",
    description:
      "Shared secret of the HMAC-SHA256 signature on every relay request; required with push.webhook.url.",
  },
  {
    key: "push.webhook.timeoutMs",
    type: "int",
    default: 10_000,
    min: 100,
    max: 120_000,
    description:
      "How long the relay may take to answer before the push counts as failed (and is retried later).",
  },
  // end: webhook

  // slot: huawei
  {
    key: "push.huawei.appId",
    type: "string",
    default: "",
    description:
      "Huawei Push Kit: the app's App ID (OAuth 2.0 client id) from AppGallery Connect. With push.huawei.clientSecret, turns on the huawei provider.",
  },
  {
    key: "push.huawei.clientSecret",
    type: "string",
    default: "",
    description: "Huawei Push Kit: the app's App Secret (OAuth 2.0 client secret) from AppGallery Connect.",
  },
  {
    key: "push.huawei.badgeClass",
    type: "string",
    default: "",
    description:
      "Huawei Push Kit: the app's launcher activity (full class name), needed to set the app icon's badge number. Empty: no badge.",
  },
  {
    key: "push.huawei.tokenUrl",
    type: "string",
    default: "https://oauth-login.cloud.huawei.com/oauth2/v3/token",
    description: "Huawei Push Kit: the OAuth 2.0 token endpoint.",
  },
  {
    key: "push.huawei.apiUrl",
    type: "string",
    default: "https://push-api.cloud.huawei.com",
    description: "Huawei Push Kit: the push API origin.",
  },
  // end: huawei

  // slot: xiaomi
  {
    key: "push.xiaomi.appSecret",
    type: "string",
    default: "",
    description:
      "Xiaomi Push: the app's AppSecret from the Xiaomi push console. Turns on the xiaomi provider.",
  },
  {
    key: "push.xiaomi.channelId",
    type: "string",
    default: "",
    description:
      "Xiaomi Push: the notification channel id registered for private messages (extra.channel_id). Empty: none.",
  },
  {
    key: "push.xiaomi.apiUrl",
    type: "string",
    default: "https://api.xmpush.xiaomi.com",
    description:
      "Xiaomi Push: the API origin (https://api.xmpush.global.xiaomi.com for apps outside mainland China).",
  },
  // end: xiaomi

  // slot: oppo
  {
    key: "push.oppo.appKey",
    type: "string",
    default: "",
    description:
      "OPPO Push: the app's AppKey from the OPPO push platform. With push.oppo.masterSecret, turns on the oppo provider.",
  },
  {
    key: "push.oppo.masterSecret",
    type: "string",
    default: "",
    description: "OPPO Push: the app's MasterSecret (the server secret, not the AppSecret).",
  },
  {
    key: "push.oppo.channelId",
    type: "string",
    default: "",
    description:
      "OPPO Push: the notification channel id the app creates for messages. Empty: the default channel.",
  },
  {
    key: "push.oppo.apiUrl",
    type: "string",
    default: "https://api.push.oppomobile.com",
    description:
      "OPPO Push: the API origin (https://api-intl.push.oppomobile.com for devices outside mainland China).",
  },
  // end: oppo

  // slot: vivo
  {
    key: "push.vivo.appId",
    type: "string",
    default: "",
    description:
      "vivo Push: the app's AppID from the vivo developer platform. With push.vivo.appKey and push.vivo.appSecret, turns on the vivo provider.",
  },
  {
    key: "push.vivo.appKey",
    type: "string",
    default: "",
    description: "vivo Push: the app's AppKey.",
  },
  {
    key: "push.vivo.appSecret",
    type: "string",
    default: "",
    description: "vivo Push: the app's AppSecret.",
  },
  {
    key: "push.vivo.apiUrl",
    type: "string",
    default: "https://api-push.vivo.com.cn",
    description: "vivo Push: the API origin.",
  },
  // end: vivo

  // slot: honor
  {
    key: "push.honor.appId",
    type: "string",
    default: "",
    description:
      "Honor Push: the app's APP ID from the Honor developer platform. With push.honor.clientId and push.honor.clientSecret, turns on the honor provider.",
  },
  {
    key: "push.honor.clientId",
    type: "string",
    default: "",
    description: "Honor Push: the app's Client ID (for the access token).",
  },
  {
    key: "push.honor.clientSecret",
    type: "string",
    default: "",
    description: "Honor Push: the app's Client Secret.",
  },
  {
    key: "push.honor.badgeClass",
    type: "string",
    default: "",
    description:
      "Honor Push: the app's launcher activity (full class name), needed to set the app icon's badge number. Empty: no badge.",
  },
  {
    key: "push.honor.tokenUrl",
    type: "string",
    default: "https://iam.developer.honor.com/auth/realms/developer/protocol/openid-connect/token",
    description: "Honor Push: the OAuth 2.0 token endpoint.",
  },
  {
    key: "push.honor.apiUrl",
    type: "string",
    default: "https://push-api.cloud.honor.com",
    description: "Honor Push: the push API origin.",
  },
  // end: honor

  // slot: xmpp-push
  {
    key: "push.xmpp.enabled",
    type: "bool",
    default: false,
    description:
      "Push notifications to XMPP clients' app servers (XEP-0357: Conversations, Monal, Siskin), when xmpp.enabled is on too. Off by default: it listens on push.xmpp.s2sPort (5269, the port ejabberd, Prosody and federation also use) and needs the domain reachable from the app servers.",
  },
  {
    key: "push.xmpp.s2sPort",
    type: "int",
    default: 5269,
    min: 0,
    max: 65535,
    description:
      "Port (on tcp.host) where app servers check our Server Dialback keys (XEP-0220): it answers only those checks. App servers find it through the domain's _xmpp-server._tcp SRV record or on 5269.",
  },
  {
    key: "push.xmpp.routes",
    type: "string",
    default: "",
    description:
      "Comma-separated domain=host:port for app server domains DNS does not name (a private app server); others are found through _xmpp-server._tcp SRV records, else on port 5269.",
  },
  {
    key: "push.xmpp.caFile",
    type: "string",
    default: "",
    description:
      "PEM file of the CAs app servers' certificates are checked against. Empty: the system's CAs. Certificates are always checked.",
  },
  {
    key: "push.xmpp.connectTimeoutMs",
    type: "int",
    default: 10000,
    min: 50,
    max: 600000,
    description:
      "Time to connect to an app server and authenticate (STARTTLS, dialback); then the push is retried later.",
  },
  {
    key: "push.xmpp.iqTimeoutMs",
    type: "int",
    default: 15000,
    min: 50,
    max: 600000,
    description: "Time an app server has to answer a publish; then the push is retried later.",
  },
  {
    key: "push.xmpp.idleTimeoutMs",
    type: "int",
    default: 300000,
    min: 1000,
    max: 86400000,
    description: "A stream to an app server that has carried nothing for this long is closed.",
  },
  {
    key: "push.xmpp.maxPending",
    type: "int",
    default: 1000,
    min: 1,
    max: 1000000,
    description:
      "Publishes waiting to be sent or answered on one app server stream; further ones are retried later.",
  },
  // end: xmpp-push

  // slot: onboarding
  {
    key: "onboarding.activationTtlMs",
    type: "int",
    default: 7 * 24 * 3600 * 1000,
    min: 60000,
    max: 90 * 24 * 3600 * 1000,
    description:
      "How long a person's activation code (starling invite --user) stays usable; a new code for the same person revokes the previous one.",
  },
  // end: onboarding
] as const satisfies readonly Setting[];

export type SettingKey = (typeof SETTINGS)[number]["key"];

/** "tcp.port" -> "STARLING_TCP_PORT"; "limits.maxFrameBytes" -> "STARLING_LIMITS_MAX_FRAME_BYTES". */
export function envName(key: string): string {
  return `STARLING_${key
    .replace(/\./g, "_")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toUpperCase()}`;
}

/** "tcp.port" -> "tcp-port"; "limits.maxFrameBytes" -> "limits-max-frame-bytes". */
export function flagName(key: string): string {
  return key
    .replace(/\./g, "-")
    .replace(/([a-z])([A-Z])/g, "$1-$2")
    .toLowerCase();
}

/**
 * A server only this machine can reach, on ports the OS picks: what tests,
 * benchmarks and tools start. Every listener is here, so a new one is not
 * left on its public default.
 */
export const LOOPBACK_ANY_PORT: Partial<Record<SettingKey, string | number>> = {
  "tcp.host": "127.0.0.1",
  "tcp.port": 0,
  "http.host": "127.0.0.1",
  "http.port": 0,
  "xmpp.port": 0,
  "federation.port": 0,
  "push.xmpp.s2sPort": 0,
};

/** "127.0.0.1:9464" -> host and port; "[::1]:9464" -> "::1"; undefined when it is neither. */
export function hostPort(value: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(value);
  const port = Number(m?.[3]);
  if (!m || port > 65535) return undefined;
  return { host: (m[1] ?? m[2]) as string, port };
}

/** Settings as `starling serve` flags: { "tcp.port": 0 } -> ["--tcp-port", "0"]. */
export function asFlags(values: Partial<Record<SettingKey, string | number>>): string[] {
  return Object.entries(values).flatMap(([k, v]) => [`--${flagName(k)}`, String(v)]);
}
