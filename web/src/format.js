// An ISO timestamp as the screens show it (local time, 24-hour); what the API stored when it is not a date.
export function formatTime(iso, empty = '') {
  if (!iso) return empty
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('zh-CN', { hour12: false })
}

// The lists' page sizes (10/20/50/100 条/页), the ones the API accepts.
export const PAGE_SIZES = [10, 20, 50, 100]
