import { ApiError } from './api-client.ts'

/** What the server answers for a file it stored: a path `send-file` can offer. */
export interface Uploaded {
  path: string
  name: string
  size: number
}

/**
 * Hand a file picked in the browser to the local server (a page cannot give the peer a path): POST
 * /upload with the token, then `send-file` the path it answers. XMLHttpRequest, because fetch reports
 * no upload progress.
 */
export function uploadFile(
  token: string,
  file: File,
  onProgress: (loaded: number, total: number) => void
): Promise<Uploaded> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/upload')
    xhr.setRequestHeader('X-P2PChat-Token', token)
    xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name))
    xhr.setRequestHeader('Content-Type', 'application/octet-stream')
    xhr.responseType = 'text'
    xhr.upload.addEventListener('progress', e => {
      onProgress(e.loaded, e.lengthComputable ? e.total : file.size)
    })
    xhr.addEventListener('load', () => {
      let body: unknown
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        body = undefined
      }
      if (xhr.status >= 200 && xhr.status < 300 && isUploaded(body)) {
        resolve(body)
        return
      }
      const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error
      const code = typeof error?.code === 'string' ? error.code : `HTTP_${xhr.status}`
      const message = typeof error?.message === 'string' ? error.message : `the upload failed (${xhr.status})`
      reject(new ApiError(code, message))
    })
    xhr.addEventListener('error', () => reject(new ApiError('UPLOAD_FAILED', 'the upload was cut off')))
    xhr.addEventListener('abort', () => reject(new ApiError('CANCELLED', 'the upload was cancelled')))
    xhr.send(file)
  })
}

function isUploaded(body: unknown): body is Uploaded {
  const b = body as Partial<Uploaded> | undefined
  return typeof b === 'object' && b !== null && typeof b.path === 'string' && typeof b.name === 'string'
}
