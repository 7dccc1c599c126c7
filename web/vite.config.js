import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// Element Plus components (and their CSS) are imported where a template uses them, so a screen's chunk
// carries only its own: the phone's signing page does not load the admin screens' tables and uploads.
// `npm run dev` proxies the API to the stack `make run` started; the build is plain static files.
export default defineConfig({
  plugins: [vue(), Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false })],
  server: { proxy: { '/api': process.env.SKILLCERT_API || 'http://127.0.0.1:8000' } },
})
