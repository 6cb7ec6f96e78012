/**
 * How long a provider keeps a notification for a device that is offline before dropping it
 * (apns-expiration, FCM android.ttl): a day, after which the device's own sync shows what
 * came, so a day-old alert is noise.
 */
export const PUSH_LIFETIME_S = 86_400;
