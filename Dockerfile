# syntax=docker/dockerfile:1

# ---- build -------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# node + npm for the front-end (Tailwind) build step run by the web project.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1
WORKDIR /src

# Whole context (see .dockerignore); publish restores too.
COPY . .
RUN dotnet publish JkBoats.Web/JkBoats.Web.csproj -c Release -o /app /p:UseAppHost=false

# ---- runtime -----------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://+:8080 \
    DOTNET_RUNNING_IN_CONTAINER=true
EXPOSE 8080
# The image's built-in non-root user ("app", uid 1654).
USER $APP_UID
ENTRYPOINT ["dotnet", "JkBoats.Web.dll"]
