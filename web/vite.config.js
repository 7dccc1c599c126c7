import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// `npm run dev` proxies the API to the stack `make run` started; the build is plain static files.
export default defineConfig({
  plugins: [vue()],
  server: { proxy: { '/api': process.env.SKILLCERT_API || 'http://127.0.0.1:8000' } },
  build: { chunkSizeWarningLimit: 2000 },
})
