/** A URL prefix NGINX serves from a folder instead of the upstream. */
export interface StaticLocation {
  /** URL prefix, with slashes on both ends, e.g. `/static/`. */
  readonly urlPath: string;
  /** Folder in the container holding the files, e.g. `/srv/static`. */
  readonly folder: string;
  /** Value of the Cache-Control max-age, in seconds. */
  readonly maxAgeSeconds: number;
}

export interface NginxConfigProps {
  readonly listenPort: number;
  /** `host:port` of the upstream that serves everything else. */
  readonly upstream: string;
  readonly locations: StaticLocation[];
  /** Largest request body accepted, e.g. `20m` for media uploads. */
  readonly clientMaxBodySize: string;
  /** Path answered with 200 for probes. */
  readonly healthPath: string;
}

/**
 * nginx.conf for a non-root NGINX with a read-only root filesystem: everything it writes goes to
 * /tmp, logs go to the container's output as JSON lines (parsed by the log shipper).
 */
export function renderNginxConf(props: NginxConfigProps): string {
  const locations = props.locations.map(l => [
    `    location ${l.urlPath} {`,
    `      alias ${l.folder.replace(/\/?$/, '/')};`,
    `      add_header Cache-Control "public, max-age=${l.maxAgeSeconds}";`,
    '      try_files $uri =404;',
    '    }',
  ].join('\n'));
  return `worker_processes auto;
pid /tmp/nginx.pid;
error_log stderr warn;

events {
  worker_connections 1024;
}

http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  server_tokens off;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  client_max_body_size ${props.clientMaxBodySize};

  client_body_temp_path /tmp/client_body;
  proxy_temp_path /tmp/proxy;
  fastcgi_temp_path /tmp/fastcgi;
  uwsgi_temp_path /tmp/uwsgi;
  scgi_temp_path /tmp/scgi;

  log_format json escape=json '{"time":"$time_iso8601","remote_addr":"$remote_addr","method":"$request_method","uri":"$request_uri","status":$status,"bytes":$body_bytes_sent,"duration":$request_time,"user_agent":"$http_user_agent"}';
  access_log /dev/stdout json;

  upstream app {
    server ${props.upstream};
    keepalive 16;
  }

  server {
    listen ${props.listenPort};

    location = ${props.healthPath} {
      access_log off;
      default_type text/plain;
      return 200 "ok\\n";
    }

${locations.join('\n\n')}

    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;
      proxy_set_header X-Real-IP $remote_addr;
    }
  }
}
`;
}
