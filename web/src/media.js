import { onBeforeUnmount, ref } from 'vue'

// Whether the screen is phone-sized (under `maxWidth` px), kept current as it turns or resizes.
export function useNarrow(maxWidth = 640) {
  const media = window.matchMedia(`(max-width: ${maxWidth}px)`)
  const narrow = ref(media.matches)
  const onChange = (e) => { narrow.value = e.matches }
  media.addEventListener('change', onChange)
  onBeforeUnmount(() => media.removeEventListener('change', onChange))
  return narrow
}
