// The REST API client: one place for the base URL, the bearer token and the error shape.
import { reactive } from 'vue'

const BASE = import.meta.env.VITE_API_BASE || '/api'
const TOKEN_KEY = 'skillcert.token'
const USER_KEY = 'skillcert.user'

export const session = reactive({
  token: localStorage.getItem(TOKEN_KEY) || '',
  user: JSON.parse(localStorage.getItem(USER_KEY) || 'null'),
})

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message)
    this.status = status
    this.code = code
    this.details = details
  }
}

// Set by the router: where a lapsed session sends the user.
let onUnauthenticated = () => {}
export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn }

export async function request(method, path, body, { auth = true } = {}) {
  const headers = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (auth && session.token) headers.Authorization = 'Bearer ' + session.token
  let response
  try {
    response = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  } catch {
    throw new ApiError(0, 'network_error', '无法连接服务器，请检查网络后重试')
  }
  const text = await response.text()
  let data = null
  try { data = text ? JSON.parse(text) : null } catch { data = null }
  if (!response.ok) {
    const err = data && data.error
    if (response.status === 401 && auth && session.token) {
      clearSession()
      onUnauthenticated()
    }
    throw new ApiError(response.status, err?.code || 'http_' + response.status,
      err?.message || `请求失败（${response.status}），请稍后重试`, err?.details)
  }
  return data
}

export const api = {
  get: (path, query) => request('GET', path + queryString(query)),
  post: (path, body = {}) => request('POST', path, body),
  put: (path, body = {}) => request('PUT', path, body),
  del: (path) => request('DELETE', path),
  public: (method, path, body) => request(method, path, body, { auth: false }),
}

export function queryString(query) {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, v)
  }
  const s = params.toString()
  return s ? '?' + s : ''
}

export async function login(username, password) {
  return startSession(await request('POST', '/auth/login', { username, password }, { auth: false }))
}

// A login, or a password change (which withdraws the older tokens and answers with a new one).
export function startSession(data) {
  session.token = data.token
  session.user = data.user
  localStorage.setItem(TOKEN_KEY, data.token)
  localStorage.setItem(USER_KEY, JSON.stringify(data.user))
  return data.user
}

// 退出: the server withdraws the account's tokens; this browser forgets its own whatever the answer.
export async function logout() {
  try {
    await request('POST', '/auth/logout', {})
  } catch {
    // already lapsed or offline: nothing left to withdraw from here
  }
  clearSession()
}

export function clearSession() {
  session.token = ''
  session.user = null
  localStorage.removeItem(TOKEN_KEY)
  localStorage.removeItem(USER_KEY)
}

// Files travel as base64 in JSON bodies.
export function fileToBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).split(',', 2)[1] || '')
    reader.onerror = () => reject(new ApiError(0, 'read_failed', '读取文件失败，请重新选择'))
    reader.readAsDataURL(file)
  })
}

// Presigned links are opened by the browser itself (they name the file to save).
export function openLink(url) {
  const a = document.createElement('a')
  a.href = url
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
}
