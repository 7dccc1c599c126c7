// One date and time format on every screen: 2026-11-30, and 2026-11-30 10:02 (local time, 24-hour).
const pad = (n) => String(n).padStart(2, '0')
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

function toDate(value) {
  const d = value instanceof Date ? value : new Date(value)
  return Number.isNaN(d.getTime()) ? null : d
}

// A date (an ISO date is shown as it is: it names a day, not an instant); what the API stored otherwise.
export function formatDate(value, empty = '') {
  if (!value) return empty
  if (ISO_DATE.test(value)) return value
  const d = toDate(value)
  return d ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` : value
}

// An instant (an ISO timestamp, a Date or milliseconds) to the minute.
export function formatTime(value, empty = '') {
  if (!value) return empty
  const d = toDate(value)
  return d ? `${formatDate(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}` : value
}

// The lists' page sizes (10/20/50/100 条/页), the ones the API accepts.
export const PAGE_SIZES = [10, 20, 50, 100]
