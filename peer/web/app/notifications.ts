/**
 * Desktop notifications, text only, and only while the page is hidden: the page asks once, when the user
 * presses "Enable notifications" (browsers refuse a request that no click started).
 */

export type NotificationSetting = 'unsupported' | 'default' | 'granted' | 'denied'

export function notificationSetting(): NotificationSetting {
  if (typeof Notification === 'undefined') return 'unsupported'
  return Notification.permission
}

export async function enableNotifications(): Promise<NotificationSetting> {
  if (typeof Notification === 'undefined') return 'unsupported'
  try {
    return await Notification.requestPermission()
  } catch {
    return Notification.permission
  }
}

/** Longest body shown: a notification is a hint to come back, not a reader. */
const MAX_BODY_CHARS = 160

export function notify(title: string, body: string, tag?: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return
  if (!document.hidden) return
  const text = body.length > MAX_BODY_CHARS ? `${body.slice(0, MAX_BODY_CHARS - 1)}…` : body
  try {
    const n = new Notification(title, { body: text, tag, silent: false })
    n.addEventListener('click', () => {
      window.focus()
      n.close()
    })
  } catch {
    // Some browsers only allow notifications from a service worker: nothing else to do.
  }
}
